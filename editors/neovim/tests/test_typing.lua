-- Typing through a suggestion keeps its rest on screen without waiting for the server, typing something else
-- hides it, a keystroke cancels the request still in flight ($/cancelRequest) so only the last one is shown,
-- and next/previous ask explicitly for several suggestions and cycle through them.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")
local config = require("offgrid.config")

H.run(function()
  H.open("calc.py", "def add(a, b):\n    return a + b\n\n\ndef subtract(a, b):\n    return")
  local client = H.start()
  local buf = vim.api.nvim_get_current_buf()
  local line = function()
    return vim.api.nvim_buf_get_lines(buf, 5, 6, false)[1]
  end

  vim.api.nvim_win_set_cursor(0, { 6, 0 })
  H.type("A a")
  local ghost = H.wait("a suggestion", function()
    return H.ghost(buf)
  end)
  H.log("suggestion:", ghost)

  -- 1. With the next request an hour away, typing the suggestion's first character still shows the rest.
  config.options.debounce_ms = 3600000
  local first = ghost:sub(1, 1)
  H.type(first)
  H.wait("the typed character", function()
    return line() == "    return a" .. first
  end)
  H.eq(ghost:sub(2), H.ghost(buf), "the rest stays on screen while typing through it")

  -- 2. Typing something the suggestion did not predict hides it.
  H.type("Z")
  H.wait("the Z", function()
    return line():sub(-1) == "Z"
  end)
  H.eq(nil, H.ghost(buf), "a mismatching keystroke hides the suggestion")

  -- 3. Keystrokes faster than the model: each one cancels the request before it; the last answer is shown.
  H.type("<BS><BS>")
  H.wait("back to `return a`", function()
    return line() == "    return a"
  end)
  local cancels = 0
  local notify = client.rpc.notify
  client.rpc.notify = function(method, params)
    if method == "$/cancelRequest" then
      cancels = cancels + 1
    end
    return notify(method, params)
  end
  config.options.debounce_ms = 0
  for _, key in ipairs({ "<BS>", "b", "<BS>", "a" }) do
    H.type(key)
    H.sleep(40)
  end
  H.wait("the final line", function()
    return line() == "    return a"
  end)
  local final = H.wait("a suggestion for the final text", function()
    return H.ghost(buf)
  end)
  client.rpc.notify = notify
  H.log("cancelled:", cancels, "final suggestion:", final)
  H.truthy(cancels >= 1, "superseded requests were cancelled")
  H.eq(ghost, final, "the suggestion shown is the one for the current text")

  -- 4. Next (<M-]>) asks explicitly: the server answers with several suggestions, next and previous cycle.
  -- (After `*`, which no remembered suggestion predicted: the server answers those from memory, one at a time.)
  config.options.debounce_ms = 3600000
  local inline = require("offgrid.inline")
  H.type("*")
  H.wait("the *", function()
    return line() == "    return a*"
  end)
  H.type("<M-]>")
  local count = H.wait("several suggestions", function()
    local n = inline.count()
    return n > 1 and n
  end)
  local seen = { H.ghost(buf) }
  for i = 2, count do
    H.type("<M-]>")
    H.wait("suggestion " .. i, function()
      return select(2, inline.count()) == i
    end)
    seen[i] = H.ghost(buf)
  end
  H.log("suggestions:", seen)
  H.truthy(seen[1] ~= seen[2], "the second suggestion differs from the first")
  H.type("<M-[>")
  H.wait("back one", function()
    return select(2, inline.count()) == count - 1
  end)
  H.eq(seen[count - 1], H.ghost(buf), "previous shows the one before")
  H.type("<Tab>")
  H.wait("accepted", function()
    return line() ~= "    return a*"
  end)
  H.eq("    return a*" .. seen[count - 1], line(), "Tab accepts the suggestion shown")
end)
