--- Insert-mode keys, and visual mode's rewrite key. Each insert-mode key acts only while a suggestion is shown;
--- otherwise it does what it did before offgrid mapped it (another plugin's mapping, or the key itself), so Tab
--- keeps working with nvim-cmp or blink.
local config = require("offgrid.config")

local M = {}
local previous = {} ---@type table<string, table> mappings that were there before ours

local function plugin()
  return require("offgrid.inline")
end

--- Neovim 0.12+: the built-in vim.lsp.inline_completion draws and accepts; partial accepts insert part of it.
local builtin = {
  accept = function()
    return vim.lsp.inline_completion.get()
  end,
  partial = function(kind)
    return vim.lsp.inline_completion.get({
      on_accept = function(item)
        local text = type(item.insertText) == "table" and item.insertText.value or item.insertText
        vim.api.nvim_paste(plugin().chunk(text, kind), false, -1)
      end,
    })
  end,
  cycle = function(step)
    vim.lsp.inline_completion.select({ count = step })
    return true
  end,
}

--- What each key does; each returns false when nothing was shown, so the key falls through.
M.actions = {
  accept = function()
    if config.builtin_inline() then
      return builtin.accept()
    end
    return plugin().accept("all")
  end,
  accept_word = function()
    return config.builtin_inline() and builtin.partial("word") or plugin().accept("word")
  end,
  accept_line = function()
    return config.builtin_inline() and builtin.partial("line") or plugin().accept("line")
  end,
  dismiss = function()
    return not config.builtin_inline() and plugin().dismiss()
  end,
  next = function()
    return config.builtin_inline() and builtin.cycle(1) or (plugin().cycle(1) or true)
  end,
  prev = function()
    return config.builtin_inline() and builtin.cycle(-1) or (plugin().cycle(-1) or true)
  end,
}

--- Whether a key has something to act on right now (without acting).
local function active(name)
  if name == "next" or name == "prev" then
    return true
  end
  if config.builtin_inline() then
    return name ~= "dismiss" -- the built-in get() reports itself whether there was a suggestion
  end
  return plugin().visible()
end

--- Run the key's own action, called through <Cmd> so that it may edit the buffer.
---@param name string
function M.run(name)
  if not M.actions[name]() then
    M.fall_through(name)
  end
end

--- Do what the key for `name` did before offgrid mapped it. (Called with the name, not the key: the keys in an
--- expr mapping's result are replaced by their codes, `"<Tab>"` in a Lua string included.)
---@param name string
function M.fall_through(name)
  local lhs = config.options.keys[name]
  if not lhs then
    return
  end
  local prev = previous[lhs]
  local keys = lhs
  if prev and prev.callback then
    local out = prev.callback()
    if prev.expr ~= 1 then
      return
    end
    keys = out or ""
  elseif prev and prev.rhs and prev.rhs ~= "" then
    keys = prev.expr == 1 and vim.api.nvim_eval(prev.rhs) or prev.rhs
  end
  -- "i": before keys already typed after this one
  local mode = ((prev and prev.noremap == 0) and "m" or "n") .. "i"
  vim.api.nvim_feedkeys(vim.keycode(keys), mode, false)
end

--- Visual mode: the rewrite key ends visual mode (which sets the '< and '> marks) and does `:'<,'>Offgrid rewrite`.
--- A mapping the user already has on that key is kept.
local function map_visual()
  local lhs = config.options.keys.rewrite
  if not lhs then
    return
  end
  local prev = vim.fn.maparg(lhs, "x", false, true)
  if next(prev) and not (prev.desc or ""):match("^offgrid") then
    return
  end
  vim.keymap.set("x", lhs, function()
    vim.cmd("normal! \27")
    local first, last = vim.api.nvim_buf_get_mark(0, "<")[1], vim.api.nvim_buf_get_mark(0, ">")[1]
    require("offgrid.actions").rewrite({ line1 = first, line2 = last })
  end, { desc = "offgrid rewrite the selection" })
end

--- Map the configured keys in insert mode, and the rewrite key in visual mode.
function M.map()
  map_visual()
  for name, lhs in pairs(config.options.keys) do
    if lhs and M.actions[name] then
      local prev = vim.fn.maparg(lhs, "i", false, true)
      if next(prev) and not (prev.desc or ""):match("^offgrid") then
        previous[lhs] = prev
      end
      vim.keymap.set("i", lhs, function()
        if active(name) then
          return ("<Cmd>lua require('offgrid.keys').run(%q)<CR>"):format(name)
        end
        return ("<Cmd>lua require('offgrid.keys').fall_through(%q)<CR>"):format(name)
      end, { expr = true, silent = true, desc = "offgrid " .. name })
    end
  end
end

return M
