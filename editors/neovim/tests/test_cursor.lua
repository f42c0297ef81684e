-- Where the cursor rests, the server is told (offgrid/cursor) and evaluates the prompt there in idle time: once
-- when the buffer is attached, again after a jump, never twice for the same place.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")
local cursor = require("offgrid.cursor")

local lines = {}
for i = 1, 60 do
  lines[#lines + 1] = ("def step_%d(values):\n    return sum(values) * %d\n"):format(i, i)
end

H.run(function()
  H.open("steps.py", table.concat(lines, "\n"))
  cursor.delay_ms = 50
  local client = H.start()
  local buf = vim.api.nvim_get_current_buf()
  local function warmed()
    local r = client:request_sync("offgrid/status", vim.empty_dict(), 5000)
    return r and r.result and r.result.warmed or -1
  end
  H.wait("the warm-up of the place the buffer opened at", function()
    return warmed() >= 1
  end, 30000)
  H.eq(1, cursor.sent, "one notification for the first place")

  vim.api.nvim_win_set_cursor(0, { 90, 4 }) -- a jump, as a search or go-to-definition makes
  vim.api.nvim_exec_autocmds("CursorMoved", { buffer = buf })
  H.wait("the warm-up after the jump", function()
    return warmed() >= 2
  end, 30000)
  H.eq(2, cursor.sent, "one more for the new place")

  vim.api.nvim_exec_autocmds("CursorMoved", { buffer = buf }) -- resting at the same place
  H.sleep(300)
  H.eq(2, cursor.sent, "the same place is not sent again")

  -- offgrid/warmed (a request the time cap left empty, finished in idle time): asked again only in insert mode,
  -- at that place, with the text unchanged
  local uri = vim.uri_from_bufnr(buf)
  local function warmed_at(line, character, version)
    cursor.on_warmed({ uri = uri, version = version, position = { line = line, character = character } })
  end
  local version = vim.lsp.util.buf_versions[buf]
  local r0, c0 = unpack(vim.api.nvim_win_get_cursor(0))
  warmed_at(r0 - 1, c0, version)
  H.eq(nil, cursor.asked_again, "not in normal mode")
  vim.cmd("startinsert")
  H.sleep(50)
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  warmed_at(row - 2, col, version)
  warmed_at(row - 1, col, version + 1)
  H.eq(nil, cursor.asked_again, "not for another place or another version of the text")
  warmed_at(row - 1, col, version)
  H.eq(1, cursor.asked_again, "asked again where the cursor still is")
end)
