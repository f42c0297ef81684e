"""`offgrid bench context`'s cases in JavaScript, TypeScript, Go and Rust: lines that need a name another file of
the package defines, cut at the indentation and at the name, as for Python."""

from pathlib import Path

from offgrid.bench.repo_cases import collect_cases
from offgrid.bench.repo_cases_lang import cases_under, source_root
from offgrid.context.index import WorkspaceIndex

JS_UTIL = """export function mergeConfig(a, b) {
  return { ...a, ...b };
}

export class Parser {
  parseHeaders(text) {
    return text.split("\\n");
  }
}
"""

JS_USER = """import { mergeConfig, Parser } from './util.js';
import path from 'path';

function local(x) {
  return x;
}

export function request(config, defaults) {
  const merged = mergeConfig(defaults, config);
  const parser = new Parser();
  const headers = parser.parseHeaders(merged.raw);
  const again = local(headers);
  path.parseHeaders(again);
  mergeConfig(merged, again); // a comment no model can guess
  return headers;
}
"""

TS_UTIL = """export function normalizeId(id: string): string {
  return id.trim();
}
"""

TS_USER = """import { normalizeId } from "./util";

function own(id: string): string {
  return id;
}

export function resolve(id: string): string {
  const base = normalizeId(id);
  return own(base);
}
"""

GO_UTIL = """package demo

type Flag struct {
	Name string
}

func newFlagValue(name string) *Flag {
	return &Flag{Name: name}
}
"""

GO_USER = """package demo

import "strings"

func helper(s string) string {
	return s
}

func Register(name string) *Flag {
	f := newFlagValue(name)
	g := Flag{Name: name}
	_ = helper(strings.TrimSpace(name))
	strings.newFlagValue(name)
	_ = g
	return f
}
"""

RS_UTIL = """pub struct Encoder {
    width: usize,
}

pub fn encode_block(data: &[u8]) -> Vec<u8> {
    data.to_vec()
}
"""

RS_USER = """use crate::util::{encode_block, Encoder};

fn local(x: usize) -> usize {
    x
}

pub fn run(data: &[u8]) -> Vec<u8> {
    let out = encode_block(data);
    let enc = Encoder { width: 4 };
    let n = local(enc.width);
    std::encode_block(data);
    encode_block(&out[..n])
}
"""


def _package(tmp_path: Path, files: dict[str, str]) -> WorkspaceIndex:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    index = WorkspaceIndex([tmp_path])
    index.build()
    return index


def _rows(cases: list) -> list[tuple[int, str]]:
    return sorted({(c.row, c.name) for c in cases})


def test_javascript_lines_use_a_relative_import(tmp_path):
    index = _package(tmp_path, {"util.js": JS_UTIL, "user.js": JS_USER})
    cases = cases_under("npm:demo", tmp_path, index)
    # local() is this file's, path.parseHeaders() an outside module's, and the last call has a comment
    assert _rows(cases) == [(8, "mergeConfig"), (9, "Parser"), (10, "parseHeaders")]
    by_cut = {(c.row, c.cut): c for c in cases}
    line = by_cut[(8, "line")]
    assert line.expected == "const merged = mergeConfig(defaults, config);" and line.column == 2
    assert line.text.split("\n")[8] == "  " and line.language == "javascript" and line.package == "npm:demo"
    name = by_cut[(10, "name")]
    assert name.text.split("\n")[10] == "  const headers = parser." and name.expected == "parseHeaders(merged.raw);"
    assert name.text.split("\n")[11] == JS_USER.split("\n")[11]  # the rest of the file is untouched
    assert by_cut[(9, "name")].expected == "Parser();"  # a construction, cut after `new `


def test_typescript_cases_carry_their_language(tmp_path):
    index = _package(tmp_path, {"util.ts": TS_UTIL, "user.ts": TS_USER})
    cases = cases_under("npm:demo", tmp_path, index)
    assert _rows(cases) == [(7, "normalizeId")]  # own() is defined in this file
    assert {c.language for c in cases} == {"typescript"} and {c.cut for c in cases} == {"line", "name"}
    name = next(c for c in cases if c.cut == "name")
    assert name.text.split("\n")[7] == "  const base = " and name.expected == "normalizeId(id);"


def test_go_lines_use_another_file_of_the_package(tmp_path):
    index = _package(tmp_path, {"flag.go": GO_UTIL, "register.go": GO_USER})
    cases = cases_under("go:demo", tmp_path, index)
    # helper() is this file's; strings.newFlagValue is qualified by the standard library's package
    assert _rows(cases) == [(9, "newFlagValue"), (10, "Flag")]
    by_cut = {(c.row, c.cut): c for c in cases}
    assert by_cut[(9, "line")].text.split("\n")[9] == "\t" and by_cut[(9, "line")].expected == "f := newFlagValue(name)"
    assert (
        by_cut[(10, "name")].text.split("\n")[10] == "\tg := " and by_cut[(10, "name")].expected == "Flag{Name: name}"
    )
    assert {c.language for c in cases} == {"go"}


def test_rust_lines_use_a_crate_local_use(tmp_path):
    (tmp_path / "src").mkdir()
    index = _package(tmp_path, {"src/util.rs": RS_UTIL, "src/lib.rs": RS_USER})
    cases = cases_under("rust:demo", tmp_path, index)
    # local() is this file's, std::encode_block an outside crate's; the block's tail expression counts
    assert _rows(cases) == [(7, "encode_block"), (8, "Encoder"), (11, "encode_block")]
    by_cut = {(c.row, c.cut): c for c in cases}
    assert by_cut[(7, "line")].expected == "let out = encode_block(data);" and by_cut[(7, "line")].column == 4
    assert by_cut[(8, "name")].text.split("\n")[8] == "    let enc = " and by_cut[(8, "name")].expected == (
        "Encoder { width: 4 };"
    )
    assert {c.language for c in cases} == {"rust"}


def test_a_call_defined_in_the_same_file_does_not_count(tmp_path):
    index = _package(tmp_path, {"only.go": GO_UTIL + '\nfunc use() {\n\tf := newFlagValue("x")\n\t_ = f\n}\n'})
    assert cases_under("go:demo", tmp_path, index) == []


def test_sources_are_named_by_language(tmp_path, monkeypatch):
    pkg = tmp_path / "npm" / "node_modules" / "demo"
    (pkg / "lib").mkdir(parents=True)
    (pkg / "dist").mkdir()
    monkeypatch.setenv("OFFGRID_BENCH_SOURCES", str(tmp_path))
    assert source_root("npm:demo") == ("npm:demo", (pkg / "lib").resolve())  # the sources, not the bundles
    assert source_root("npm:demo/dist") == ("npm:demo", (pkg / "dist").resolve())
    assert source_root(f"go:{tmp_path}") == (f"go:{tmp_path.name}", tmp_path.resolve())
    crate = tmp_path / "serde_json-1.0.87"
    crate.mkdir()
    assert source_root(f"rust:{crate}") == ("rust:serde_json", crate.resolve())
    assert source_root("npm:not-installed")[1] is None


def test_collect_cases_routes_other_languages(tmp_path):
    for name, text in {"flag.go": GO_UTIL, "register.go": GO_USER}.items():
        (tmp_path / name).write_text(text)
    cases, services = collect_cases([f"go:{tmp_path}"], 10, seed=1)
    assert list(services) == [f"go:{tmp_path.name}"]
    assert {(c.row, c.cut, c.language) for c in cases} == {(r, cut, "go") for r in (9, 10) for cut in ("line", "name")}


def test_shards_of_one_seed_run_its_lines_once_each(tmp_path):
    for name, text in {"flag.go": GO_UTIL, "register.go": GO_USER}.items():
        (tmp_path / name).write_text(text)
    whole, _ = collect_cases([f"go:{tmp_path}"], 10, seed=1)
    parts = [collect_cases([f"go:{tmp_path}"], 10, seed=1, shard=(k, 2))[0] for k in (1, 2)]
    assert all(parts)  # each shard has lines, with both cuts of each line together
    assert sorted((c.row, c.cut) for p in parts for c in p) == sorted((c.row, c.cut) for c in whole)
    assert all(p[0].row == p[1].row for p in parts)
