--- offgrid's defaults and the options in effect.
local M = {}

---@type offgrid.Opts
M.defaults = {
  cmd = { "offgrid", "serve" },
  settings = {},
  filetypes = nil,
  root_markers = { ".git" },
  debounce_ms = 75,
  keys = {
    accept = "<Tab>",
    accept_word = "<M-Right>",
    accept_line = "<M-Down>",
    dismiss = "<C-]>",
    next = "<M-]>",
    prev = "<M-[>",
    rewrite = "<M-r>",
  },
  inline = "auto",
  progress = true,
}

---@type offgrid.Opts
M.options = vim.deepcopy(M.defaults)

---@param opts? offgrid.Opts
---@return offgrid.Opts
function M.set(opts)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  if opts and opts.settings then
    M.options.settings = vim.deepcopy(opts.settings) -- the server's settings are passed as given, not merged
  end
  return M.options
end

--- Whether Neovim renders inline completions itself (0.12+) under these options.
---@return boolean
function M.builtin_inline()
  local has = vim.lsp.inline_completion ~= nil
  if M.options.inline == "builtin" then
    return has
  end
  return M.options.inline == "auto" and has
end

return M
