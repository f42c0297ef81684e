-- User commands only; require("offgrid").setup() does the rest.
if vim.g.loaded_offgrid then
  return
end
vim.g.loaded_offgrid = true

---@type table<string, fun(cmd: vim.api.keyset.create_user_command.command_args, rest: string)>
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
  cancel = function()
    require("offgrid.progress").cancel()
  end,
  -- :'<,'>Offgrid rewrite [instruction]: the selection (or the range's lines), asking for the instruction if none
  rewrite = function(cmd, rest)
    require("offgrid.actions").rewrite({ line1 = cmd.line1, line2 = cmd.line2, instruction = rest })
  end,
}

vim.api.nvim_create_user_command("Offgrid", function(cmd)
  local name, rest = cmd.args:match("^%s*(%S*)%s*(.-)%s*$")
  local run = subcommands[name ~= "" and name or "status"]
  if not run then
    vim.notify("offgrid: unknown subcommand " .. name, vim.log.levels.ERROR)
    return
  end
  run(cmd, rest)
end, {
  nargs = "*",
  range = true,
  desc = "offgrid: status, enable, disable, toggle, cancel, [range]rewrite",
  complete = function(lead, line)
    if not line:match("Offgrid%s+%S*$") then -- only the subcommand; an instruction is free text
      return {}
    end
    local names = vim.tbl_filter(function(name)
      return vim.startswith(name, lead)
    end, vim.tbl_keys(subcommands))
    table.sort(names)
    return names
  end,
})
