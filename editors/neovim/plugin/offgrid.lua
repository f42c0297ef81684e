-- User commands only; require("offgrid").setup() does the rest.
if vim.g.loaded_offgrid then
  return
end
vim.g.loaded_offgrid = true

local subcommands = {
  status = function()
    require("offgrid.status").show()
  end,
  enable = function()
    require("offgrid").set_enabled(true)
  end,
  disable = function()
    require("offgrid").set_enabled(false)
  end,
  toggle = function()
    local offgrid = require("offgrid")
    offgrid.set_enabled(not offgrid.enabled())
    vim.notify("offgrid suggestions " .. (offgrid.enabled() and "on" or "off"))
  end,
}

vim.api.nvim_create_user_command("Offgrid", function(cmd)
  local run = subcommands[cmd.args ~= "" and cmd.args or "status"]
  if not run then
    vim.notify("offgrid: unknown subcommand " .. cmd.args, vim.log.levels.ERROR)
    return
  end
  run()
end, {
  nargs = "?",
  desc = "offgrid: status, enable, disable, toggle",
  complete = function()
    return vim.tbl_keys(subcommands)
  end,
})
