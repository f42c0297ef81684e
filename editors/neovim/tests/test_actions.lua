-- Code actions through vim.lsp.buf.code_action(): an "offgrid: " action applies its edit to the buffer, and
-- "Rewrite selection…" asks for the instruction with vim.ui.input, then the server rewrites the selection; so do
-- the visual-mode key and `gra` on a selection, which leave the user in Normal mode.
-- Exits 77 (skipped) while the server offers no code actions.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

local function is_rewrite(action)
  local cmd = action.command
  return type(cmd) == "table" and cmd.command == "offgrid.askRewrite"
end

local function buffer_text()
  return table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
end

--- Run the code action menu on lines 1-3 with `filter`, picking the first entry as the user would.
local function apply(filter)
  vim.ui.select = function(items, _, on_choice)
    H.log("menu:", vim.tbl_map(function(i)
      return i.action.title
    end, items))
    on_choice(items[1], 1)
  end
  vim.lsp.buf.code_action({ range = { start = { 1, 0 }, ["end"] = { 3, 12 } }, apply = true, filter = filter })
end

H.run(function()
  H.open("shapes.py", "def area(w, h):\n    x = w * h\n    return x")
  local client = H.start()
  if not client.server_capabilities.codeActionProvider then
    H.log("SKIP: the server offers no code actions yet (codeActionProvider missing)")
    return "skip"
  end

  -- 1. An ordinary offgrid action (no command: its edit comes from codeAction/resolve) edits the buffer.
  local before = buffer_text()
  apply(function(a)
    return a.title:match("^offgrid: ") ~= nil and a.command == nil
  end)
  H.wait("the action's edit", function()
    return buffer_text() ~= before
  end, 180000)
  H.log("after the action:\n" .. buffer_text())

  -- 2. Rewrite selection…: the instruction comes from vim.ui.input, the edit from the server.
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { "def area(w, h):", "    x = w * h", "    return x" })
  local asked
  vim.ui.input = function(opts, on_confirm)
    asked = opts.prompt
    on_confirm("rename the variable x to result")
  end
  before = buffer_text()
  apply(is_rewrite)
  H.wait("the rewrite", function()
    return buffer_text() ~= before
  end, 180000)
  H.log("after the rewrite:\n" .. buffer_text())
  H.truthy(asked, "asked for the instruction")
  H.truthy(buffer_text():find("result", 1, true), "the rewrite followed the instruction")

  -- 3. The visual-mode key (:'<,'>Offgrid rewrite): the selected lines are rewritten, and the user is in Normal
  -- mode afterwards. 4. The same through `gra` on a selection (vim.lsp.buf.code_action() in visual mode).
  for _, keys in ipairs({ "Vj<M-r>", "Vjgra" }) do
    vim.api.nvim_buf_set_lines(0, 0, -1, false, { "def area(w, h):", "    x = w * h", "    return x" })
    asked = nil
    before = buffer_text()
    vim.ui.select = function(items, _, on_choice)
      for i, item in ipairs(items) do
        if is_rewrite(item.action) then
          return on_choice(item, i)
        end
      end
      on_choice(nil)
    end
    vim.api.nvim_win_set_cursor(0, { 2, 4 })
    H.type(keys)
    H.wait("the rewrite from " .. keys, function()
      return buffer_text() ~= before
    end, 180000)
    H.log("after " .. keys .. ":\n" .. buffer_text())
    H.truthy(asked, keys .. " asked for the instruction")
    H.eq("def area(w, h):", vim.api.nvim_buf_get_lines(0, 0, 1, false)[1], keys .. " kept the line above")
    H.truthy(buffer_text():find("result", 1, true), keys .. " followed the instruction")
    H.eq("n", vim.api.nvim_get_mode().mode, "Normal mode after the edit from " .. keys)
  end
end)
