-- sip-lsp for Neovim >= 0.11: add editors/nvim to 'runtimepath', then vim.lsp.enable('sip_lsp').
---@type vim.lsp.Config
return {
  cmd = { 'sip-lsp', 'serve' },
  filetypes = { 'kamailio', 'opensips', 'asterisk', 'freeswitch' },
  root_markers = { 'sip-lsp.toml', '.git' },
  settings = {
    sipLsp = {
      inlayHints = true,
    },
  },
}
