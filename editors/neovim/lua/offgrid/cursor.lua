--- Where the cursor rests: when a buffer is entered or the cursor stays somewhere for a moment, tell the server
--- (offgrid/cursor), which evaluates the prompt there in idle time so the first keystroke pays only for what it
--- changes. Typing moves the cursor too: only a place held for `delay_ms` is sent, and never twice in a row.
local M = {}

M.delay_ms = 300
local timer = nil ---@type uv.uv_timer_t?
local last = nil ---@type string?
M.sent = 0 -- for tests

local function send(buf)
  if not vim.api.nvim_buf_is_valid(buf) or vim.api.nvim_get_current_buf() ~= buf then
    return
  end
  local mode = vim.api.nvim_get_mode().mode:sub(1, 1)
  if mode ~= "n" and mode ~= "i" then
    return -- a selection or a command line is not a place to type
  end
  local client = vim.lsp.get_clients({ bufnr = buf, name = "offgrid" })[1]
  if not client or client:is_stopped() then
    return
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local key = params.textDocument.uri .. ":" .. params.position.line .. ":" .. params.position.character
  if key == last then
    return
  end
  last = key
  M.sent = M.sent + 1
  client:notify("offgrid/cursor", params)
end

local function moved(args)
  if not timer then
    timer = vim.uv.new_timer()
  end
  timer:stop()
  timer:start(M.delay_ms, 0, vim.schedule_wrap(function()
    send(args.buf)
  end))
end

--- The server finished, in idle time, the prompt of a request its time cap left empty: if the cursor is still
--- where that request was, in insert mode and the text unchanged, ask again (the answer is quick now).
---@param result { uri: string, version: integer, position: { line: integer, character: integer } }
function M.on_warmed(result)
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = buf, name = "offgrid" })[1]
  if not client or type(result) ~= "table" or vim.api.nvim_get_mode().mode:sub(1, 1) ~= "i" then
    return
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local version = vim.lsp.util.buf_versions[buf]
  local p = result.position or {}
  if params.textDocument.uri ~= result.uri or version ~= result.version then
    return
  end
  if p.line ~= params.position.line or p.character ~= params.position.character then
    return
  end
  if require("offgrid.config").builtin_inline() then
    return -- Neovim 0.12's own inline completion has no call that only asks (get() accepts)
  end
  M.asked_again = (M.asked_again or 0) + 1
  require("offgrid.inline").request()
end

--- Follow the cursor in `buf` (called when offgrid attaches to it).
---@param buf integer
function M.attach(buf)
  local group = vim.api.nvim_create_augroup("offgrid_cursor_" .. buf, { clear = true })
  vim.api.nvim_create_autocmd({ "BufEnter", "CursorMoved", "CursorMovedI" }, {
    group = group,
    buffer = buf,
    callback = moved,
  })
  vim.api.nvim_create_autocmd({ "TextChanged", "TextChangedI" }, {
    group = group,
    buffer = buf,
    callback = function()
      last = nil -- the same place may need its prompt again
    end,
  })
  moved({ buf = buf })
end

---@param buf integer
function M.detach(buf)
  pcall(vim.api.nvim_del_augroup_by_name, "offgrid_cursor_" .. buf)
end

return M
