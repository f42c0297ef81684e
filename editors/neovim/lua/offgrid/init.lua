--- offgrid for Neovim: starts `offgrid serve` per project root through vim.lsp, and shows its inline
--- completions as ghost text (Neovim 0.12's own, or this plugin's extmarks on 0.10 and 0.11).
local config = require("offgrid.config")

local M = {}

--- The vim.lsp config for the options in effect (merged over lsp/offgrid.lua and any vim.lsp.config('offgrid')).
---@return vim.lsp.Config
function M.lsp_config()
  local o = config.options
  return {
    cmd = o.cmd,
    root_markers = o.root_markers,
    filetypes = o.filetypes,
    -- an empty Lua table would go out as a JSON array, which the server rejects
    init_options = next(o.settings or {}) and o.settings or vim.empty_dict(),
  }
end

local function on_attach(args)
  local client = vim.lsp.get_client_by_id(args.data.client_id)
  if not client or client.name ~= "offgrid" then
    return
  end
  if config.builtin_inline() then
    vim.lsp.inline_completion.enable(true, { bufnr = args.buf })
  else
    require("offgrid.inline").attach(args.buf)
  end
  require("offgrid.cursor").attach(args.buf)
end

local function on_detach(args)
  local client = vim.lsp.get_client_by_id(args.data.client_id)
  if client and client.name == "offgrid" and not config.builtin_inline() then
    require("offgrid.inline").detach(args.buf)
  end
  if client and client.name == "offgrid" then
    require("offgrid.cursor").detach(args.buf)
  end
end

--- Configure and enable offgrid.
---@param opts? offgrid.Opts
function M.setup(opts)
  config.set(opts)
  vim.lsp.config("offgrid", M.lsp_config())
  local group = vim.api.nvim_create_augroup("offgrid", { clear = true })
  vim.api.nvim_create_autocmd("LspAttach", { group = group, callback = on_attach })
  vim.api.nvim_create_autocmd("LspDetach", { group = group, callback = on_detach })
  require("offgrid.progress").register(group)
  require("offgrid.actions").register()
  require("offgrid.keys").map()
  vim.lsp.enable("offgrid")
end

--- Turn suggestions on or off (the server keeps running).
---@param on boolean
function M.set_enabled(on)
  if config.builtin_inline() then
    vim.lsp.inline_completion.enable(on)
  else
    require("offgrid.inline").set_enabled(on)
  end
end

---@return boolean
function M.enabled()
  if config.builtin_inline() then
    return vim.lsp.inline_completion.is_enabled()
  end
  return require("offgrid.inline").enabled()
end

return M
