-- :'<,'>Offgrid rewrite and the visual-mode key (<M-r>) send offgrid.rewrite for the selection (a characterwise
-- selection's columns, a linewise one's whole lines, a command-line range's lines), ask for the instruction unless
-- it is given, and leave the user in Normal mode. (`:'<,'>lua vim.lsp.buf.code_action()` loses the range.)
-- Runs against a tiny random-weight model: its answer is refused, which is not what this test looks at.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")

H.run(function()
  H.open("shapes.py", "def area(w, h):\n    x = w * h  # é\n    return x")
  local client = H.start({ settings = { actions = { maxTokens = 8 } } })

  local sent = {} ---@type table[] offgrid.rewrite arguments, in order
  local answered = 0
  local request = client.rpc.request
  client.rpc.request = function(method, params, callback, ...)
    if method == "workspace/executeCommand" and params.command == "offgrid.rewrite" then
      sent[#sent + 1] = params.arguments[1]
      local inner = callback
      callback = function(...)
        answered = answered + 1
        return inner(...)
      end
    end
    return request(method, params, callback, ...)
  end
  local asked = {}
  vim.ui.input = function(opts, on_confirm)
    asked[#asked + 1] = opts.prompt
    on_confirm("rename x to result")
  end

  --- Run `keys` (typed, mappings apply) and wait for the server's answer to the rewrite they start.
  local function rewrite(keys)
    local n = #sent
    H.type(keys)
    H.wait("the rewrite request", function()
      return answered > n
    end, 120000)
    H.eq(n + 1, #sent, "one rewrite for " .. keys)
    H.eq("n", vim.api.nvim_get_mode().mode, "Normal mode after " .. keys)
    return sent[#sent]
  end

  -- 1. Characterwise: `w * h` on line 2 (0-based line 1, UTF-8 columns 8..13).
  vim.api.nvim_win_set_cursor(0, { 2, 8 })
  local args = rewrite("v4l<M-r>")
  H.eq({ start = { line = 1, character = 8 }, ["end"] = { line = 1, character = 13 } }, args.range, "v selection")
  H.eq("rename x to result", args.instruction, "the instruction asked for")
  H.eq({ "Rewrite selection: " }, asked, "asked once, with the prompt")
  H.eq(vim.uri_from_bufnr(0), args.uri, "the buffer's URI")

  -- 2. The selection ends on a multi-byte character: the range ends after it (in the server's UTF-16 units).
  local line2 = vim.api.nvim_buf_get_lines(0, 1, 2, false)[1]
  local line2_end = vim.str_utfindex(line2, client.offset_encoding)
  vim.api.nvim_win_set_cursor(0, { 2, 4 })
  args = rewrite("vfé:Offgrid rewrite<CR>")
  H.eq({ start = { line = 1, character = 4 }, ["end"] = { line = 1, character = line2_end } }, args.range, "up to é")

  -- 3. Linewise: lines 2-3 whole, through :'<,'>Offgrid rewrite with the instruction on the command line.
  vim.api.nvim_win_set_cursor(0, { 2, 6 })
  args = rewrite("Vj:Offgrid rewrite use a better name<CR>")
  H.eq({ start = { line = 1, character = 0 }, ["end"] = { line = 2, character = 12 } }, args.range, "V selection")
  H.eq("use a better name", args.instruction, "the instruction from the command line")
  H.eq(2, #asked, "no prompt when the command line has the instruction")

  -- 4. A range without a selection: the lines.
  args = rewrite(":1,2Offgrid rewrite<CR>")
  H.eq({ start = { line = 0, character = 0 }, ["end"] = { line = 1, character = line2_end } }, args.range, ":1,2")
  client.rpc.request = request
end)
