--- Client side of offgrid's code actions: "Rewrite selection…" asks for the instruction here, then the server
--- computes and applies the edit (workspace/executeCommand "offgrid.rewrite"). Other actions need nothing.
--- `:'<,'>Offgrid rewrite` does the same from a range, which `:'<,'>lua vim.lsp.buf.code_action()` loses.
local M = {}
local api = vim.api

local REQUEST_CANCELLED = -32800

--- Visual mode is left once the instruction is given: the edit arrives later, and a selection still up would
--- span text that moved under it.
local function leave_visual()
  if api.nvim_get_mode().mode:match("^[vVsS\22\19]") then
    api.nvim_feedkeys(vim.keycode("<Esc>"), "nx", false)
  end
end

--- Ask the server to rewrite `range` of `bufnr` as the user says (asked with vim.ui.input unless given).
---@param client vim.lsp.Client
---@param bufnr integer
---@param range lsp.Range
---@param instruction? string
function M.run_rewrite(client, bufnr, range, instruction)
  local function run(text)
    if not text or vim.trim(text) == "" then
      return
    end
    leave_visual()
    local params = {
      command = "offgrid.rewrite",
      arguments = { { uri = vim.uri_from_bufnr(bufnr), range = range, instruction = text } },
    }
    client:request("workspace/executeCommand", params, function(err)
      if err and err.code ~= REQUEST_CANCELLED then -- a refusal comes as the server's own message
        vim.notify("offgrid: rewrite failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      end
    end, bufnr)
  end
  if instruction and vim.trim(instruction) ~= "" then
    return run(instruction)
  end
  vim.ui.input({ prompt = "Rewrite selection: " }, run)
end

--- The `offgrid.askRewrite` command a "Rewrite selection…" code action carries.
---@param command lsp.Command
---@param ctx { client_id: integer, bufnr: integer }
function M.ask_rewrite(command, ctx)
  local target = command.arguments and command.arguments[1]
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if type(target) ~= "table" or not client then
    vim.notify("offgrid: the rewrite action came without its selection", vim.log.levels.ERROR)
    return
  end
  M.run_rewrite(client, ctx.bufnr, target.range)
end

--- Byte column `col` of `line` in the client's position encoding.
local function units(line, col, encoding)
  return vim.str_utfindex(line, encoding, math.min(col, #line), false)
end

--- The LSP range of lines `line1`..`line2` (1-based): the last characterwise visual selection's columns when the
--- range is that selection (`:'<,'>`), else the whole lines (linewise or blockwise visual, `:5,9`, no range).
---@param bufnr integer
---@param line1 integer
---@param line2 integer
---@param encoding string
---@return lsp.Range
function M.selection_range(bufnr, line1, line2, encoding)
  local first = api.nvim_buf_get_lines(bufnr, line1 - 1, line1, false)[1] or ""
  local last = api.nvim_buf_get_lines(bufnr, line2 - 1, line2, false)[1] or ""
  local start_col, end_col = 0, #last
  local s, e = api.nvim_buf_get_mark(bufnr, "<"), api.nvim_buf_get_mark(bufnr, ">")
  if vim.fn.visualmode() == "v" and s[1] == line1 and e[1] == line2 then
    start_col = s[2]
    end_col = math.min(e[2], #last)
    if vim.o.selection ~= "exclusive" and end_col < #last then
      -- '> marks the last character's first byte; the range ends after the whole (UTF-8) character
      end_col = end_col + 1 + vim.str_utf_end(last, end_col + 1)
    end
  end
  return {
    start = { line = line1 - 1, character = units(first, start_col, encoding) },
    ["end"] = { line = line2 - 1, character = units(last, end_col, encoding) },
  }
end

--- `:[range]Offgrid rewrite [instruction]`: rewrite the range (the current line without one).
---@param cmd { line1: integer, line2: integer, instruction?: string }
function M.rewrite(cmd)
  local bufnr = api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = "offgrid" })[1]
  if not client then
    vim.notify("offgrid is not running in this buffer", vim.log.levels.ERROR)
    return
  end
  local range = M.selection_range(bufnr, cmd.line1, cmd.line2, client.offset_encoding)
  M.run_rewrite(client, bufnr, range, cmd.instruction)
end

function M.register()
  vim.lsp.commands["offgrid.askRewrite"] = M.ask_rewrite
end

return M
