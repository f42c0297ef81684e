"""Actions get the context pack: the definitions their code uses from other files."""

from types import SimpleNamespace

from offgrid.actions.request import ActionKind, ActionRequest
from offgrid.actions.rewrite import plan_fix
from offgrid.config import ActionSettings
from offgrid.context.service import ContextService
from offgrid.lsp.action_requests import _related_code
from offgrid.lsp.documents import Document

GEOMETRY = "def circle_area(radius: float) -> float:\n    return 3.14159 * radius * radius\n"
MAIN = "from geometry import circle_area\n\n\ndef report(r):\n    print(circle_area(r, 2))\n"


def test_the_fix_prompt_shows_the_definition_of_a_function_from_another_open_file():
    svc = ContextService()
    svc.opened("file:///w/geometry.py", "python", GEOMETRY)
    svc.opened("file:///w/main.py", "python", MAIN)
    doc = Document("file:///w/main.py", "python", 1, MAIN)
    related = _related_code(SimpleNamespace(context=svc), doc, 4, 4, 4)
    assert "def circle_area(radius: float) -> float:" in related
    req = ActionRequest(
        ActionKind.FIX,
        MAIN,
        "python",
        MAIN.index("print"),
        MAIN.index("print"),
        diagnostic="too many arguments for circle_area",
        diagnostic_line=4,
        related=related,
    )
    plan = plan_fix(req, ActionSettings())
    assert "related code from the project" in plan.user and "def circle_area(radius: float)" in plan.user
