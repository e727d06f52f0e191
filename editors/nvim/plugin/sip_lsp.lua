-- Buffer setup for sip-lsp clients (lua/sip_lsp/init.lua); other servers are left alone.
-- Opt out of all of it with vim.g.sip_lsp_attach = false.
vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('sip_lsp_attach', { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'sip_lsp' or vim.g.sip_lsp_attach == false then
      return
    end
    require('sip_lsp').on_attach(client, args.buf)
  end,
})
