-- Neovim 0.11+ reads this when `vim.lsp.enable("offgrid")` runs; require("offgrid").setup() and
-- vim.lsp.config("offgrid", {...}) merge over it.
return {
  cmd = { "offgrid", "serve" },
  root_markers = { ".git" },
  handlers = {
    ["offgrid/metrics"] = function(...)
      return require("offgrid.status").on_metrics(...)
    end,
    -- a request the time cap left empty has been finished in idle time: ask again if the cursor is still there
    ["offgrid/warmed"] = function(_, result)
      return require("offgrid.cursor").on_warmed(result)
    end,
    -- shown as Neovim shows it; an error also ends the progress line of what failed (offgrid.progress)
    ["window/showMessage"] = function(err, result, ctx)
      local out = vim.lsp.handlers["window/showMessage"](err, result, ctx)
      require("offgrid.progress").on_message(result, ctx)
      return out
    end,
  },
}
