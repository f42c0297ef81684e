"""`x.` near the cursor: the pack lists the public members of x's class (its own, then its base's), the class
found from x's declaration nearby, or from its snake_case name when many classes share the name's last word."""

from pathlib import Path

from offgrid.config import ContextSettings
from offgrid.context.receiver import base_names, declared_types
from offgrid.context.service import ContextService

BODY = "".join(f"        step_{i} = {i}\n" for i in range(8))  # long classes: their stubs are not shown whole
CONVERTERS = f'''class BaseConverter:
    """The base."""

    def register_structure_hook(self, cl, func) -> None:
        """Registers a hook."""
{BODY}
    def structure(self, obj, cl):
{BODY}
    def _private(self):
{BODY}

class Converter(BaseConverter):
    @property
    def strategy(self) -> str:
{BODY}
    def gen_unstructure_mapping(
        self,
        cl,
        unstructure_to=None,
    ) -> dict:
{BODY}

class JsonConverter(Converter): ...
class BsonConverter(Converter): ...
class YamlConverter(Converter): ...
class TomlConverter(Converter): ...
class MsgpackConverter(Converter): ...
'''

REQUESTS = "".join(f"class {w}Request:\n    def {w.lower()}_only(self): ...\n\n\n" for w in ("", "Http", "Mock", "Raw"))
REQUESTS += "class PreparedRequest:\n    def prepare_auth(self, auth): ...\n\n    def prepare_body(self, data): ...\n"

USER = """def configure(converter: "Converter") -> None:
    converter.something()

    converter.
"""  # nothing imported: the name alone would fit seven classes, and only the annotation says which


def count(text: str) -> int:
    return len(text) // 4 + 1


def service(root: Path) -> ContextService:
    (root / "converters.py").write_text(CONVERTERS)
    (root / "models.py").write_text(REQUESTS)
    svc = ContextService(ContextSettings(max_tokens=600, recent_chunks=0, similar_tokens=0), [root])
    svc.index.build()
    return svc


def test_declarations_say_what_a_variable_is():
    assert declared_types(["def f(type, converter: Converter) -> Hook:"]) == {"converter": "Converter"}
    assert declared_types(["    x = mod.Foo(1)", "    y := &Bar{a: 1}", "    Baz<T> z = new Baz<>();"]) == {
        "x": "Foo",
        "y": "Bar",
        "z": "Baz",
    }
    assert declared_types(["fn f(conv: &mut Converter)", "    conv = Other()"]) == {"conv": "Other"}  # the last
    assert declared_types(["    sock = socket.socket()", "    n: int = 3"]) == {}  # no class named


def test_the_annotated_class_lists_its_members_then_its_bases(tmp_path: Path):
    svc = service(tmp_path)
    uri = (tmp_path / "user.py").as_uri()
    pack = svc.for_cursor(uri, "python", USER, 3, 14, 0, 3, count)
    text = "\n".join(f.text for f in pack.files if f.path == "converters.py")
    assert "class Converter(BaseConverter):" in text and "class BaseConverter:" in text
    assert (
        "    def gen_unstructure_mapping(\n        self,\n        cl,\n        unstructure_to=None,\n    ) -> dict: ..."
        in text
    )
    assert "def register_structure_hook(self, cl, func) -> None: ..." in text  # the base's, shown only here
    assert "_private" not in text and "Registers a hook" not in text
    assert "step_" not in text  # headers, not bodies


def test_a_snake_case_name_finds_its_class_among_many_alike(tmp_path: Path):
    svc = service(tmp_path)
    text = "def send(prepared_request, auth):\n    prepared_request.headers = {}\n    prepared_request.\n"
    pack = svc.for_cursor((tmp_path / "user.py").as_uri(), "python", text, 2, 21, 0, 2, count)
    shown = "\n".join(f.text for f in pack.files if f.path == "models.py")
    assert "class PreparedRequest:" in shown and "def prepare_auth(self, auth): ..." in shown
    assert "HttpRequest" not in shown


def test_bases_are_read_from_the_header():
    from offgrid.context.outline import Symbol

    def cls(header: str) -> Symbol:
        return Symbol("C", "class", "c.py", 0, 3, ((0, header),), True)

    assert base_names(cls("class C(a.Base, Mixin, metaclass=M):")) == ["Base", "Mixin"]
    assert base_names(cls("public class C extends pkg.Base implements I {")) == ["Base"]
    assert base_names(cls("class C:")) == []


WRITER = "class Writer:\n" + "".join(
    f"    def add_{kind}_{field}(self, value: str) -> None: ...\n\n"
    for kind in ("general", "model", "tensor", "sampling", "vocab", "dataset")
    for field in ("name", "author", "version", "license", "url", "description")
)  # 36 methods: more than a listing holds


def test_a_class_too_big_to_list_shows_the_members_named_like_the_code_near_the_cursor(tmp_path: Path):
    (tmp_path / "writer.py").write_text(WRITER)
    svc = ContextService(ContextSettings(max_tokens=800, recent_chunks=0, similar_tokens=0), [tmp_path])
    svc.index.build()
    text = (
        "def write(writer: Writer, dataset_entry: dict) -> None:\n"
        '    writer.add_dataset_name(dataset_entry["name"])\n'
        "    writer.\n"
    )
    pack = svc.for_cursor((tmp_path / "user.py").as_uri(), "python", text, 2, 11, 0, 2, count)
    shown = "\n".join(f.text for f in pack.files if f.path == "writer.py")
    listed = [line.split("(")[0].split()[-1] for line in shown.split("\n") if "def " in line]
    assert "add_dataset_version" in listed and "add_dataset_license" in listed  # the dataset group, last in the class
    assert 0 < len(listed) < 36  # not all fit
    assert listed == sorted(listed, key=WRITER.index)  # shown in the class's order


def test_call_is_listed_as_public_as_the_class_stub_shows_it(tmp_path: Path):
    (tmp_path / "hooks.py").write_text(
        f"class Hook:\n    def __call__(self, value: str) -> str:\n{BODY}\n    def _private(self):\n{BODY}\n"
        f"    def close(self) -> None:\n{BODY}"
    )
    svc = ContextService(ContextSettings(max_tokens=600, recent_chunks=0, similar_tokens=0), [tmp_path])
    svc.index.build()
    text = "def run(hook):\n    hook.\n"  # the class from the variable's name: Hook itself is not used here
    pack = svc.for_cursor((tmp_path / "user.py").as_uri(), "python", text, 1, 9, 0, 1, count)
    shown = "\n".join(f.text for f in pack.files if f.path == "hooks.py")
    assert "def __call__(self, value: str) -> str: ..." in shown and "def close(self) -> None: ..." in shown
    assert "_private" not in shown
