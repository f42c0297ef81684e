-- Typing in insert mode shows the real server's suggestion as ghost text; Tab accepts it, accept-word takes one
-- word, dismiss hides it and Tab then falls through to a plain Tab; :Offgrid status reports the last request.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

H.run(function()
  H.open("calc.py", "def greet(name):\n    print(\n\n\ndef add(a, b):\n    return a + b\n\n\ndef subtract(a, b):\n    return")
  H.start()
  local buf = vim.api.nvim_get_current_buf()

  -- 1. Type " a" after `return`: the suggestion appears as inline ghost text, not in the buffer.
  vim.api.nvim_win_set_cursor(0, { 10, 0 })
  H.type("A a")
  local ghost = H.wait("ghost text after typing", function()
    return H.ghost(buf)
  end)
  H.log("ghost after 'return a':", ghost)
  H.eq("    return a", vim.api.nvim_buf_get_lines(buf, 9, 10, false)[1], "buffer while the suggestion shows")
  H.truthy(ghost:find("b", 1, true), "the suggestion for `return a` in subtract(a, b) mentions b: " .. ghost)

  -- 2. Tab accepts: the buffer now holds exactly what was shown, and the ghost is gone.
  H.type("<Tab>")
  H.wait("accepted text", function()
    return vim.api.nvim_buf_get_lines(buf, 9, 10, false)[1] ~= "    return a"
  end)
  H.eq("    return a" .. ghost, vim.api.nvim_buf_get_lines(buf, 9, 10, false)[1], "line after accepting")
  H.eq({ 10, #("    return a" .. ghost) }, vim.api.nvim_win_get_cursor(0), "cursor after accepting")
  H.type("<Esc>")
  H.wait("normal mode", function()
    return vim.api.nvim_get_mode().mode == "n"
  end)
  H.eq(nil, H.ghost(buf), "ghost after leaving insert mode")

  -- 3. Accept word: inside print( the suggestion has several words; only the first is inserted.
  vim.api.nvim_win_set_cursor(0, { 2, 0 })
  H.type("A")
  local full = H.wait("ghost text in print(", function()
    local g = H.ghost(buf)
    return g and g:find("[%w_]+[^%w_]+[%w_]") and g
  end)
  H.log("ghost in print(:", full)
  local word = full:match("^[ \t]*[%w_]+") or full:match("^[ \t]*[^%w_%s]+")
  H.type("<M-Right>")
  H.wait("one word inserted", function()
    return vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1] ~= "    print("
  end)
  H.eq("    print(" .. word, vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1], "line after accepting one word")
  local rest = H.wait("the rest still shown", function()
    return H.ghost(buf)
  end)
  H.log("rest after accept-word:", rest)
  H.truthy(#rest > 0, "the rest of the suggestion is shown after accepting a word")

  -- 4. Dismiss hides it; Tab with nothing shown inserts a Tab as usual.
  H.type("<C-]>")
  H.wait("ghost hidden by dismiss", function()
    return H.ghost(buf) == nil
  end)
  local before = vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1]
  H.type("<Tab>")
  H.wait("a plain tab", function()
    return vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1] ~= before
  end)
  H.eq(before .. "\t", vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1], "Tab falls through when nothing is shown")
  H.type("<Esc>")

  -- 5. :Offgrid status: the server's state, model and the last request's figures, in the message history.
  vim.cmd("Offgrid status")
  local text = H.wait(":Offgrid status output", function()
    local out = vim.api.nvim_exec2("messages", { output = true }).output
    return out:find("state: ", 1, true) and out
  end)
  H.log(text)
  H.truthy(text:find("state: ready", 1, true), "status says ready")
  H.truthy(text:find("model: ", 1, true), "status names the model")
  H.truthy(text:find("last: [%a-]+ in [%d.]+ ms"), "status shows the last request's latency")
end)
