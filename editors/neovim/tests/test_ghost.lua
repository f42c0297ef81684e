-- Ghost text drawing without a server: a multi-line suggestion is inline text plus virtual lines, a suggestion
-- that replaces the text after the cursor is drawn around it, accept-word/line take the right part, and with no
-- suggestion shown the keys do what they did before offgrid mapped them (another plugin's Tab, or the plain key);
-- the ghost's highlight has a colour in 256 colours as well as in true colour.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")
local ghost = require("offgrid.ghost")
local inline = require("offgrid.inline")

H.run(function()
  -- The ghost's colour shows without true colour too (tmux with 256 colours): a grey of the 256-colour palette
  -- and italic, in cterm and gui; `:colorscheme` keeps it, a user's own definition wins over it.
  local hl = vim.api.nvim_get_hl(0, { name = "OffgridGhost" })
  H.truthy(hl.ctermfg and hl.fg and hl.italic and hl.cterm and hl.cterm.italic, "OffgridGhost: " .. vim.inspect(hl))
  vim.cmd("colorscheme default")
  H.eq(hl.ctermfg, vim.api.nvim_get_hl(0, { name = "OffgridGhost" }).ctermfg, "the grey after :colorscheme")
  vim.cmd("highlight OffgridGhost ctermfg=1")
  vim.cmd("doautocmd ColorScheme")
  H.eq(1, vim.api.nvim_get_hl(0, { name = "OffgridGhost" }).ctermfg, "the user's colour wins")

  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { "def fib(n):", "    if n < 2", "x = f()" })

  ghost.show(buf, 1, 12, ":\n        return n\n    return fib(n - 1) + fib(n - 2)", "")
  local text, lines = H.ghost(buf)
  H.eq(":", text, "inline part")
  H.eq({ "        return n", "    return fib(n - 1) + fib(n - 2)" }, lines, "virtual lines")
  H.eq({ "def fib(n):", "    if n < 2", "x = f()" }, vim.api.nvim_buf_get_lines(buf, 0, -1, false), "buffer untouched")

  -- cursor inside `f()`, the suggestion `a, b):` replaces the `)`: `a, b` before it, `:` after it
  ghost.show(buf, 2, 6, "a, b):", ")")
  local marks = vim.api.nvim_buf_get_extmarks(buf, ghost.ns, 0, -1, { details = true })
  H.eq(2, #marks, "two inline marks around the replaced tail")
  H.eq({ 6, "a, b" }, { marks[1][3], marks[1][4].virt_text[1][1] }, "before the tail")
  H.eq({ 7, ":" }, { marks[2][3], marks[2][4].virt_text[1][1] }, "after the tail")

  ghost.clear(buf)
  H.eq(nil, H.ghost(buf), "cleared")

  H.eq(" +", inline.chunk(" + b", "word"), "a run of punctuation is one word")
  H.eq("return", inline.chunk("return a + b", "word"), "a word")
  H.eq("  total", inline.chunk("  total = 0", "word"), "leading blanks go with the word")
  H.eq("\n    ", inline.chunk("\n    return x", "word"), "a line break and the indent")
  H.eq("héllo", inline.chunk("héllo wörld", "word"), "UTF-8 letters are word characters")
  H.eq("return a + b", inline.chunk("return a + b\nprint(x)", "line"), "accept line stops at the line end")
  H.eq("\n    print(x)", inline.chunk("\n    print(x)\nmore", "line"), "from a line break, the next line")

  -- Keys with nothing shown: a Lua mapping made before offgrid's runs, an expr mapping's keys are typed, and a key
  -- nobody mapped keeps its meaning.
  vim.keymap.set("i", "<Tab>", function()
    vim.g.previous_tab = (vim.g.previous_tab or 0) + 1
  end, { desc = "a completion plugin's Tab" })
  vim.keymap.set("i", "<C-]>", function()
    return "XY"
  end, { expr = true })
  require("offgrid.config").set({})
  require("offgrid.keys").map()
  H.eq("offgrid accept", vim.fn.maparg("<Tab>", "i", false, true).desc, "offgrid maps Tab")
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { "" })
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  H.type("iab<Tab><C-]><M-Down>c")
  H.wait("the keys", function()
    return vim.api.nvim_get_current_line():find("c$")
  end, 5000)
  H.eq(1, vim.g.previous_tab, "Tab ran the earlier mapping")
  H.eq("abXYc", vim.api.nvim_get_current_line(), "the expr mapping's keys were typed; M-Down changed nothing")
end)
