"""Writes easyink_ext/resources/ (the resource layer) from openapi/easyink.yaml.

Run by scripts/regenerate.sh with the pinned generator environment's Python: the operations are
parsed by openapi-python-client itself, so every argument, model and return type is the one the
generated ``easyink_client`` uses, and the answers are parsed with the generator's own templates.
scripts/resources.yaml names each operation's namespace and method; an operation without a name
stops the generation with a message saying where to add it.

Usage: resources_gen.py OUTPUT_DIR   (writes __init__.py and one module per top-level namespace)
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import ChoiceLoader, FileSystemLoader
from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "openapi" / "easyink.yaml"
TABLE = REPO / "scripts" / "resources.yaml"
TABLE_NAME = "scripts/resources.yaml"
TEMPLATES = REPO / "scripts" / "templates"
TEMPLATE = "easyink_resources.py.jinja"
PACKAGE = "easyink_client"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Spec names of the id a path starts with: it takes the top-level namespace's id name.
ROOT_IDS = ("signingSessionId", "id")


class TableError(Exception):
    """The naming table does not fit the spec."""


@dataclass
class Method:
    """One generated method: what the template needs to write it."""

    name: str
    operation_id: str
    kind: str  # call | exists | download | upload
    http_method: str
    summary: str
    description: str
    path_args: list[tuple[str, str]]  # (argument, its docstring line)
    url: str  # an f-string expression
    body_class: str | None = None
    body_args: list[str] = field(default_factory=list)  # signature entries
    body_names: list[str] = field(default_factory=list)
    body_docs: list[str] = field(default_factory=list)
    query_args: list[str] = field(default_factory=list)
    query_docs: list[str] = field(default_factory=list)
    endpoint: Any = None
    ok_response: Any = None
    return_type: str = "None"
    parser: str = "no_body"
    raises: list[tuple[str, str]] = field(default_factory=list)
    list_name: str | None = None
    answer_id: str | None = None  # the answer's attribute that must equal the path id...
    answer_id_arg: str | None = None  # ...given as this argument
    file_field: str | None = None
    returns: str = ""
    http_path: str = ""


@dataclass
class Namespace:
    """One namespace class (``drafts``, ``drafts.documents``...)."""

    path: str
    class_name: str
    doc: str
    methods: list[Method] = field(default_factory=list)
    children: list[Namespace] = field(default_factory=list)

    @property
    def attribute(self) -> str:
        return self.path.rsplit(".", 1)[-1]


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _text(value: object) -> str:
    if value is None:
        return ""
    getter = getattr(value, "get_untrusted_value", None)
    return str(getter() if getter else value)


def _code(value: object) -> str:
    getter = getattr(value, "as_unembedded_code", None)
    return str(getter() if getter else value)


def _spec_operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path, operation) for every operation of the spec."""
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                operation = item[method]
                found[operation["operationId"]] = (method, path, operation)
    return found


@dataclass(frozen=True)
class _Entry:
    """One entry under ``operations`` of the naming table."""

    method: str  # the dotted method path
    list_name: str | None = None  # the dotted path of the method iterating over every page
    answer_id: str | None = None  # the answer's field (spec name) echoing the path id

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name in (self.method, self.list_name) if name)


def _table_entries(table: dict[str, Any]) -> dict[str, _Entry]:
    """operationId -> its entry."""
    entries: dict[str, _Entry] = {}
    for operation_id, entry in (table.get("operations") or {}).items():
        if isinstance(entry, str):
            entries[operation_id] = _Entry(entry)
        else:
            entries[operation_id] = _Entry(
                entry["method"], entry.get("list"), entry.get("answer_id")
            )
    return entries


def check_table(spec: dict[str, Any], table: dict[str, Any]) -> list[str]:
    """The problems that stop generation: unnamed operations, unknown names, bad namespaces."""
    operations = _spec_operations(spec)
    entries = _table_entries(table)
    namespaces = table.get("namespaces") or {}
    problems: list[str] = []
    for operation_id, (method, path, _) in sorted(operations.items()):
        if operation_id not in entries:
            problems.append(
                f"operation {operation_id} ({method.upper()} {path}) has no resource method: "
                f"name it in {TABLE_NAME} under `operations`, e.g. "
                f"`{operation_id}: <namespace>.<method>`"
            )
    for operation_id in sorted(set(entries) - set(operations)):
        problems.append(
            f"{TABLE_NAME} names operation {operation_id}, which openapi/easyink.yaml does not "
            "have: remove or rename the entry"
        )
    seen: dict[str, str] = {}
    for operation_id, entry in sorted(entries.items()):
        for dotted in entry.names:
            namespace, _, method = dotted.rpartition(".")
            if namespace not in namespaces:
                problems.append(
                    f"{TABLE_NAME}: {operation_id} -> {dotted}: namespace {namespace!r} is not "
                    "listed under `namespaces`"
                )
            if not method.isidentifier() or method.startswith("_"):
                problems.append(f"{TABLE_NAME}: {operation_id} -> {dotted}: bad method name")
            if dotted in seen:
                problems.append(
                    f"{TABLE_NAME}: {dotted} names both {seen[dotted]} and {operation_id}"
                )
            seen[dotted] = operation_id
    for path in namespaces:
        root = path.split(".", 1)[0]
        if "id" not in (namespaces.get(root) or {}):
            problems.append(f"{TABLE_NAME}: namespace {root!r} needs an `id` (its paths' id name)")
    return problems


def _resolve(spec: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in item:
        node: Any = spec
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        item = node
    return item


def _raises(
    spec: dict[str, Any],
    table: dict[str, Any],
    operation: dict[str, Any],
    operation_method: str,
    parsed: bool,
) -> list[tuple[str, str]]:
    """(error class, when) for the docstring's Raises section, from the documented answers."""
    errors = {int(k): v for k, v in (table.get("errors") or {}).items()}
    raises: list[tuple[str, str]] = [
        ("RequestValidationError", "the arguments break the API's constraints (nothing is sent)")
    ]
    by_class: dict[str, list[str]] = {}
    for status, response in operation.get("responses", {}).items():
        if not str(status).isdigit() or int(status) < 400:
            continue
        name = errors.get(int(status), "APIStatusError")
        text = " ".join(_resolve(spec, response).get("description", "").split())
        by_class.setdefault(name, []).append(f"{status}: {text}".rstrip(": "))
    for name, texts in by_class.items():
        raises.append((name, " ".join(texts)))
    raises.append(("APIConnectionError", "no answer (APITimeoutError: none within the timeout)"))
    if operation_method == "post":
        raises.append(
            (
                "OutcomeUnknownError",
                "the POST failed ambiguously (timeout, dropped connection, 5xx) and may have "
                "taken effect: it is not repeated; read the state back before sending it again",
            )
        )
    if parsed:
        raises.append(("APIResponseValidationError", "a 2xx answer without the documented shape"))
    return raises


def _path_docs(
    spec: dict[str, Any], path_item: dict[str, Any], operation: dict[str, Any]
) -> dict[str, str]:
    docs: dict[str, str] = {}
    for item in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
        parameter = _resolve(spec, item)
        if parameter.get("in") == "path":
            docs[parameter["name"]] = " ".join(parameter.get("description", "").split())
    return docs


def _url(path: str, names: dict[str, str], operation_id: str) -> str:
    def replace(match: re.Match[str]) -> str:
        argument = names[match.group(1)]
        return "{path_id(" + argument + ', "' + argument + '", "' + operation_id + '")}'

    if "{" not in path:
        return '"' + path + '"'
    return 'f"' + re.sub(r"\{(\w+)\}", replace, path) + '"'


def _paragraphs(text: str) -> str:
    """``text`` with each paragraph on one line (the template wraps them)."""
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text.strip()))
    return "\n\n".join(part for part in paragraphs if part)


def _docline(name: str, description: object) -> str:
    text = " ".join(_text(description).split())
    return f"{name}: {text}" if text else f"{name}: see the API reference."


def build(spec: dict[str, Any], table: dict[str, Any], data: GeneratorData) -> list[Namespace]:
    """The namespace tree with its methods, top-level namespaces first."""
    operations = _spec_operations(spec)
    entries = _table_entries(table)
    endpoints = {
        str(endpoint.name): endpoint
        for collection in data.endpoint_collections_by_tag.values()
        for endpoint in collection.endpoints
    }
    namespaces = {
        path: Namespace(path, info["class"], info["doc"])
        for path, info in (table.get("namespaces") or {}).items()
    }
    for operation_id, table_entry in entries.items():
        dotted, list_name = table_entry.method, table_entry.list_name
        method, path, operation = operations[operation_id]
        endpoint = endpoints[_camel_to_snake(operation_id)]
        namespace_path, _, name = dotted.rpartition(".")
        root = namespace_path.split(".", 1)[0]
        root_id = table["namespaces"][root]["id"]
        names: dict[str, str] = {}
        docs = _path_docs(spec, spec["paths"][path], operation)
        path_args: list[tuple[str, str]] = []
        for parameter in endpoint.path_parameters:
            spec_name = _text(parameter.name)
            argument = root_id if spec_name in ROOT_IDS else _camel_to_snake(spec_name)
            names[str(parameter.python_name)] = argument
            path_args.append((argument, _docline(argument, docs.get(spec_name))))
        ok = [r for r in endpoint.responses.patterns if 200 <= r.status_code.range[0] < 300]
        if not ok:
            raise TableError(f"{operation_id} documents no 2xx answer")
        ok_response = ok[0]
        templates = {r.prop.template for r in ok}
        entry = Method(
            name=name,
            operation_id=operation_id,
            kind="call",
            http_method=method,
            summary=_text(operation.get("summary")),
            description=_paragraphs(_text(operation.get("description"))),
            http_path=path,
            path_args=path_args,
            url=_url(_text(endpoint.path), names, operation_id),
            endpoint=endpoint,
            ok_response=ok_response,
            list_name=list_name.rpartition(".")[2] if list_name else None,
        )
        answer = _resolve(spec, operation["responses"][str(ok_response.status_code.range[0])])
        entry.returns = " ".join(answer.get("description", "").split())
        if method == "head":
            entry.kind, entry.return_type = "exists", "bool"
            entry.returns = "True when it exists; False when the answer is 404."
        elif "file_property.py.jinja" in templates:
            entry.kind, entry.return_type = "download", "DownloadResult"
            entry.returns = "What was written (see easyink_ext.downloads.DownloadResult)."
        elif ok_response.source["attribute"] != "None":
            entry.return_type = _code(ok_response.prop.get_type_string())
            entry.parser = f"_parse_{_camel_to_snake(operation_id)}"
        if table_entry.answer_id:
            entry.answer_id = _answer_attribute(entry, table_entry.answer_id)
            entry.answer_id_arg = _root_argument(entry, endpoint, root_id)
        for body in endpoint.bodies:
            model = body.prop
            entry.body_class = model.class_info.name
            fields = [*model.required_properties, *model.optional_properties]
            if body.body_type.value == "files":
                files = [p for p in fields if p.template == "file_property.py.jinja"]
                if len(files) != 1 or len(fields) != 1:
                    raise TableError(f"{operation_id}: an upload takes exactly one file field")
                entry.kind, entry.file_field = "upload", files[0].python_name
                continue
            for prop in fields:
                entry.body_args.append(_code(prop.to_string()))
                entry.body_names.append(str(prop.python_name))
                entry.body_docs.append(_docline(str(prop.python_name), prop.description))
        for parameter in endpoint.query_parameters:
            entry.query_args.append(_code(parameter.to_string()))
            entry.query_docs.append(_docline(str(parameter.python_name), parameter.description))
        entry.raises = _raises(spec, table, operation, method, entry.parser != "no_body")
        if entry.answer_id:
            entry.raises.append(
                (
                    "InconsistentResponseError",
                    f"the answer is about another id than ``{entry.answer_id_arg}``",
                )
            )
        namespaces[namespace_path].methods.append(entry)
    for namespace in namespaces.values():
        if any(method.list_name == "list" for method in namespace.methods):
            # `def list` in the class body would shadow the builtin in later signatures.
            for method in namespace.methods:
                method.body_args = [_builtin_list(arg) for arg in method.body_args]
                method.query_args = [_builtin_list(arg) for arg in method.query_args]
                method.return_type = _builtin_list(method.return_type)
    for path, namespace in namespaces.items():
        parent, _, _ = path.rpartition(".")
        if parent:
            namespaces[parent].children.append(namespace)
    return [namespace for path, namespace in namespaces.items() if "." not in path]


def _answer_attribute(entry: Method, field_name: str) -> str:
    """The Python attribute of the answer's field ``field_name`` (its spec name)."""
    where = f"{TABLE_NAME}: {entry.operation_id} -> answer_id {field_name!r}"
    prop = entry.ok_response.prop
    if entry.kind != "call" or not hasattr(prop, "required_properties"):
        raise TableError(f"{where}: the operation's answer is not a JSON object model")
    fields = [*prop.required_properties, *prop.optional_properties]
    for candidate in fields:
        if _text(candidate.name) == field_name:
            return str(candidate.python_name)
    known = ", ".join(sorted(_text(candidate.name) for candidate in fields))
    raise TableError(
        f"{where}: the answer ({prop.class_info.name}) has no field {field_name!r} "
        f"(its fields: {known})"
    )


def _root_argument(entry: Method, endpoint: Any, root_id: str) -> str:
    """The argument holding the path id that the answer must echo."""
    if not any(_text(p.name) in ROOT_IDS for p in endpoint.path_parameters):
        raise TableError(
            f"{TABLE_NAME}: {entry.operation_id} -> answer_id: {entry.http_path} has no path id "
            f"({' or '.join(ROOT_IDS)}) for the answer to echo"
        )
    return root_id


def _builtin_list(code: str) -> str:
    return re.sub(r"(?<![\w.])list\[", "builtins.list[", code)


def _flatten(namespace: Namespace) -> list[Namespace]:
    out = [namespace]
    for child in namespace.children:
        out.extend(_flatten(child))
    return out


def _model_names(data: GeneratorData) -> set[str]:
    names = {str(model.class_info.name) for model in data.models}
    names |= {str(enum.class_info.name) for enum in data.enums}
    return names


def render(output: Path) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    table = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    problems = check_table(spec, table)
    if problems:
        for problem in problems:
            print(f"regenerate: {problem}", file=sys.stderr)
        raise SystemExit(1)
    config_file = ConfigFile.load_from_path(REPO / "generator-config.yml")
    config = Config.from_sources(
        config_file,
        meta_type=MetaType.NONE,
        document_source=SPEC,
        file_encoding="utf-8",
        overwrite=True,
        output_path=None,
    )
    data = GeneratorData.from_dict(spec, config=config)
    if not isinstance(data, GeneratorData):
        raise SystemExit(f"regenerate: the spec does not parse: {data}")
    project = Project(openapi=data, config=config, custom_template_path=TEMPLATES)
    env = project.env
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])  # type: ignore[list-item]
    template = env.get_template(TEMPLATE)
    roots = build(spec, table, data)
    models = sorted(_model_names(data))
    output.mkdir(parents=True, exist_ok=True)
    for root in roots:
        module = template.render(
            root=root,
            namespaces=_flatten(root),
            models=models,
            init=False,
        )
        (output / f"{root.attribute}.py").write_text(module, encoding="utf-8")
    init = template.render(roots=roots, all=[n for r in roots for n in _flatten(r)], init=True)
    (output / "__init__.py").write_text(init, encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        render(Path(argv[1]))
    except TableError as exc:
        print(f"regenerate: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
