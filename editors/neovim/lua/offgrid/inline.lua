--- Inline completion for Neovim before 0.12: ask the server on TextChangedI/CursorMovedI after a short debounce,
--- cancel the request a newer keystroke supersedes, draw the answer as ghost text, accept all or part of it.
local config = require("offgrid.config")
local ghost = require("offgrid.ghost")

local M = {}
local api = vim.api
local AUTOMATIC, INVOKED = 2, 1 -- InlineCompletionTriggerKind

---@class offgrid.Suggestion
---@field row integer 0-based line of the cursor when it was asked for
---@field col integer byte column where the remaining text goes
---@field text string what is left to insert
---@field tail string text after the cursor that the suggestion replaces

local state = {
  buf = nil, ---@type integer?
  client = nil, ---@type vim.lsp.Client?
  request = nil, ---@type integer? id of the request in flight
  list = {}, ---@type offgrid.Suggestion[]
  index = 1,
  timer = nil, ---@type uv.uv_timer_t?
  enabled = true,
}

local function offgrid_client(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = "offgrid" })[1]
end

local function in_insert()
  return api.nvim_get_mode().mode:sub(1, 1) == "i"
end

local function cancel()
  if state.timer then
    state.timer:stop()
  end
  if state.request and state.client and not state.client:is_stopped() then
    state.client:cancel_request(state.request)
  end
  state.request = nil
end

--- Hide the suggestion and forget it.
function M.clear()
  if state.buf then
    ghost.clear(state.buf)
  end
  state.list, state.index = {}, 1
end

--- What is still to insert at the cursor, and the suggestion it comes from, if the text typed since it was
--- shown matches it (typing through a suggestion keeps the rest on screen until the next answer arrives).
---@return string? visible, offgrid.Suggestion? suggestion
local function current()
  local s = state.list[state.index]
  if not s or api.nvim_get_current_buf() ~= state.buf then
    return nil
  end
  local row, col = unpack(api.nvim_win_get_cursor(0))
  row = row - 1
  if row ~= s.row or col < s.col then
    return nil
  end
  local line = api.nvim_get_current_line()
  local typed = line:sub(s.col + 1, col)
  if s.text:sub(1, #typed) ~= typed or line:sub(col + 1, col + #s.tail) ~= s.tail or #typed == #s.text then
    return nil
  end
  return s.text:sub(#typed + 1), s
end

local function render()
  local visible, s = current()
  if not visible or not s or not in_insert() then
    ghost.clear(state.buf or 0)
    return
  end
  local row, col = unpack(api.nvim_win_get_cursor(0))
  ghost.show(state.buf, row - 1, col, visible, s.tail)
end

--- Turn the server's items into suggestions anchored at the cursor.
local function suggestions(result, client, buf)
  local items = result and (result.items or result) or {}
  local row, col = unpack(api.nvim_win_get_cursor(0))
  row = row - 1
  local line = api.nvim_buf_get_lines(buf, row, row + 1, false)[1] or ""
  local enc = client.offset_encoding
  local out = {}
  for _, item in ipairs(items) do
    local text = type(item.insertText) == "table" and item.insertText.value or item.insertText
    local r = item.range
    local start_col, end_col = col, col
    if r and r.start.line == row and r["end"].line == row then
      start_col = vim.str_byteindex(line, enc, r.start.character, false)
      end_col = vim.str_byteindex(line, enc, r["end"].character, false)
    end
    local typed = start_col <= col and line:sub(start_col + 1, col) or nil
    if type(text) == "string" and typed and text:sub(1, #typed) == typed and #text > #typed then
      out[#out + 1] = { row = row, col = col, text = text:sub(#typed + 1), tail = line:sub(col + 1, end_col) }
    end
  end
  return out
end

--- Ask the server for suggestions at the cursor now, cancelling any request still in flight.
---@param trigger? integer 1 invoked (asked for explicitly), 2 automatic (default)
function M.request(trigger)
  cancel()
  local buf = api.nvim_get_current_buf()
  local client = offgrid_client(buf)
  if not client or not state.enabled or not in_insert() then
    return
  end
  state.buf, state.client = buf, client
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  params.context = { triggerKind = trigger or AUTOMATIC }
  local tick = api.nvim_buf_get_changedtick(buf)
  local id
  local ok, sent = client:request("textDocument/inlineCompletion", params, function(err, result)
    if id == nil or state.request ~= id then
      return -- superseded by a newer request
    end
    state.request = nil
    if err or api.nvim_get_current_buf() ~= buf or api.nvim_buf_get_changedtick(buf) ~= tick then
      return -- cancelled, failed, or the text moved on: a newer request is coming
    end
    local list = suggestions(result, client, buf)
    if #list > 0 then
      state.list, state.index = list, 1
    end
    render()
  end, buf)
  id = ok and sent or nil
  state.request = id
end

--- Called on every edit or cursor move in insert mode: keep what still matches, ask again after the debounce.
function M.on_change()
  cancel()
  render()
  if not state.enabled then
    return
  end
  state.timer = state.timer or vim.uv.new_timer()
  state.timer:start(config.options.debounce_ms, 0, vim.schedule_wrap(M.request))
end

--- Leaving insert mode or the buffer: stop asking and hide.
function M.on_leave()
  cancel()
  M.clear()
end

---@return boolean
function M.visible()
  return current() ~= nil
end

--- How many suggestions the last answer held, and which one is shown (1-based).
---@return integer count, integer index
function M.count()
  return #state.list, state.index
end

local WORD = "[%w_\128-\255]+"

--- The part of `text` that "accept word" or "accept line" takes.
---@param text string
---@param kind "word"|"line"
---@return string
function M.chunk(text, kind)
  if kind == "line" then
    local first = text:match("^[^\n]*")
    return first ~= "" and first or text:match("^\n[^\n]*")
  end
  return text:match("^[ \t]*" .. WORD)
    or text:match("^[ \t]*[^%w_\128-\255%s]+")
    or text:match("^\n[ \t]*")
    or text:match("^[ \t]+")
    or text
end

--- Insert the whole suggestion, or its next word or line. Returns false when nothing was shown.
---@param kind? "all"|"word"|"line"
---@return boolean
function M.accept(kind)
  local visible, s = current()
  if not visible or not s then
    return false
  end
  local row, col = unpack(api.nvim_win_get_cursor(0))
  row = row - 1
  local chunk = (kind == "word" or kind == "line") and M.chunk(visible, kind) or visible
  local whole = #chunk >= #visible
  local lines = vim.split(chunk, "\n", { plain = true })
  cancel()
  ghost.clear(state.buf)
  api.nvim_buf_set_text(0, row, col, row, col + (whole and #s.tail or 0), lines)
  local end_row = row + #lines - 1
  local end_col = (#lines == 1 and col or 0) + #lines[#lines]
  api.nvim_win_set_cursor(0, { end_row + 1, end_col })
  if whole then
    M.clear()
  else -- keep the rest, anchored at the new cursor
    state.list = { { row = end_row, col = end_col, text = visible:sub(#chunk + 1), tail = s.tail } }
    state.index = 1
    render()
  end
  return true
end

--- Show the next (1) or previous (-1) suggestion; with one or none, ask the server explicitly.
---@param step integer
function M.cycle(step)
  if #state.list > 1 and M.visible() then
    state.index = (state.index - 1 + step) % #state.list + 1
    render()
  else
    M.request(INVOKED)
  end
end

--- Hide the suggestion; the next keystroke or cursor move asks again.
---@return boolean shown whether there was one to hide
function M.dismiss()
  local shown = M.visible()
  cancel()
  M.clear()
  return shown
end

---@param on boolean
function M.set_enabled(on)
  state.enabled = on
  if not on then
    M.on_leave()
  end
end

---@return boolean
function M.enabled()
  return state.enabled
end

--- Listen to one buffer's insert-mode edits (called when offgrid attaches to it).
---@param buf integer
function M.attach(buf)
  local group = api.nvim_create_augroup("offgrid.inline." .. buf, { clear = true })
  api.nvim_create_autocmd({ "TextChangedI", "TextChangedP", "CursorMovedI", "InsertEnter" }, {
    group = group,
    buffer = buf,
    callback = M.on_change,
  })
  api.nvim_create_autocmd({ "InsertLeave", "BufLeave" }, { group = group, buffer = buf, callback = M.on_leave })
end

---@param buf integer
function M.detach(buf)
  pcall(api.nvim_del_augroup_by_name, "offgrid.inline." .. buf)
  if state.buf == buf then
    M.on_leave()
  end
end

return M
