-- sip-lsp for Neovim >= 0.11: add editors/nvim to 'runtimepath', then vim.lsp.enable('sip_lsp').
--
-- Python, Lua and JavaScript buffers are Kamailio KEMI scripts only when they call the KSR
-- API (`KSR.tm.t_relay(`): sip-lsp attaches to those, beside your usual server for the
-- language, and to no other. Its root is the folder holding sip-lsp.toml or .git.

-- Filetypes that are KEMI scripts only by their content.
local kemi_filetypes = { python = true, lua = true, javascript = true }
-- How far into a buffer the KSR call is looked for (the server reads the whole text).
local kemi_lines = 2000

local function calls_ksr(bufnr)
  for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, kemi_lines, false)) do
    if line:find('KSR%s*%.%s*[%a_][%w_%.]*%s*%(') then
      return true
    end
  end
  return false
end

---@type vim.lsp.Config
return {
  cmd = { 'sip-lsp', 'serve' },
  filetypes = { 'kamailio', 'opensips', 'asterisk', 'freeswitch', 'python', 'lua', 'javascript' },
  root_markers = { 'sip-lsp.toml', '.git' },
  -- Not calling on_dir leaves the buffer alone: a Python, Lua or JavaScript file without KSR.
  root_dir = function(bufnr, on_dir)
    if kemi_filetypes[vim.bo[bufnr].filetype] and not calls_ksr(bufnr) then
      return
    end
    local name = vim.api.nvim_buf_get_name(bufnr)
    on_dir(vim.fs.root(bufnr, { 'sip-lsp.toml', '.git' }) or vim.fs.dirname(name))
  end,
  settings = {
    sipLsp = {
      inlayHints = true,
    },
  },
}
