--- Client side of offgrid's code actions: "Rewrite selection…" asks for the instruction here, then the server
--- computes and applies the edit (workspace/executeCommand "offgrid.rewrite"). Other actions need nothing.
local M = {}

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
  vim.ui.input({ prompt = "Rewrite selection: " }, function(instruction)
    if not instruction or vim.trim(instruction) == "" then
      return
    end
    local params = {
      command = "offgrid.rewrite",
      arguments = { { uri = target.uri, range = target.range, instruction = instruction } },
    }
    client:request("workspace/executeCommand", params, function(err)
      if err then
        vim.notify("offgrid: rewrite failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      end
    end, ctx.bufnr)
  end)
end

function M.register()
  vim.lsp.commands["offgrid.askRewrite"] = M.ask_rewrite
end

return M
