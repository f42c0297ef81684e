-- Neovim 0.11+ reads this when `vim.lsp.enable("offgrid")` runs; require("offgrid").setup() and
-- vim.lsp.config("offgrid", {...}) merge over it.
return {
  cmd = { "offgrid", "serve" },
  root_markers = { ".git" },
  handlers = {
    ["offgrid/metrics"] = function(...)
      return require("offgrid.status").on_metrics(...)
    end,
  },
}
