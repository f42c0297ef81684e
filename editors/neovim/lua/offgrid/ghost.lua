--- Ghost text for Neovim before 0.12: a suggestion drawn with extmarks (inline virtual text on the cursor line,
--- virtual lines below it), never written to the buffer until accepted.
local M = {}

M.ns = vim.api.nvim_create_namespace("offgrid.ghost")

--- A grey italic of its own, in true colour and in the 256-colour palette: `Comment` has only a GUI colour by
--- default, so under tmux without true colour the suggestion looked like code. `default`: a colourscheme or the
--- user's own `:hi OffgridGhost` wins.
function M.define_highlight()
  vim.api.nvim_set_hl(0, "OffgridGhost", {
    default = true,
    fg = "#808080",
    ctermfg = 244,
    italic = true,
    cterm = { italic = true },
  })
end

M.define_highlight()
-- `:colorscheme` clears every group first, ours included
vim.api.nvim_create_autocmd("ColorScheme", {
  group = vim.api.nvim_create_augroup("offgrid.ghost", { clear = true }),
  callback = M.define_highlight,
})

local function mark(buf, row, col, opts)
  opts.hl_mode = "combine"
  vim.api.nvim_buf_set_extmark(buf, M.ns, row, col, opts)
end

--- Draw `text` at (row, col). `tail` is text after the cursor that the suggestion replaces: when the
--- suggestion's first line contains it (typing `foo(` and getting `a, b):` for the `)`), the part before
--- is drawn at the cursor and the part after behind the tail, so the line reads as it will after accepting.
---@param buf integer
---@param row integer 0-based
---@param col integer 0-based byte column
---@param text string
---@param tail string
function M.show(buf, row, col, text, tail)
  M.clear(buf)
  local lines = vim.split(text, "\n", { plain = true })
  local before, after = lines[1], ""
  local at = tail ~= "" and before:find(tail, 1, true)
  if at then
    before, after = lines[1]:sub(1, at - 1), lines[1]:sub(at + #tail)
  end
  if before ~= "" then
    mark(buf, row, col, { virt_text = { { before, "OffgridGhost" } }, virt_text_pos = "inline" })
  end
  if after ~= "" then
    mark(buf, row, col + #tail, { virt_text = { { after, "OffgridGhost" } }, virt_text_pos = "inline" })
  end
  if #lines > 1 then
    local virt = {}
    for i = 2, #lines do
      virt[#virt + 1] = { { lines[i], "OffgridGhost" } }
    end
    mark(buf, row, 0, { virt_lines = virt })
  end
end

---@param buf integer
function M.clear(buf)
  if vim.api.nvim_buf_is_valid(buf) then
    vim.api.nvim_buf_clear_namespace(buf, M.ns, 0, -1)
  end
end

return M
