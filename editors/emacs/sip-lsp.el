;;; sip-lsp.el --- sip-lsp through eglot (Emacs 29+)  -*- lexical-binding: t; -*-
;; Load this file (or copy the forms into your init). Kamailio/OpenSIPS configs, Asterisk
;; dialplans and FreeSWITCH dialplans get their own small major modes so that eglot can
;; start `sip-lsp serve' for them and nothing else.

(require 'eglot)

(define-derived-mode sip-ser-mode prog-mode "SIP-SER"
  "Kamailio / OpenSIPS routing scripts."
  (setq-local comment-start "# "))

(define-derived-mode sip-asterisk-mode prog-mode "SIP-Asterisk"
  "Asterisk dialplans."
  (setq-local comment-start "; "))

(define-derived-mode sip-freeswitch-mode nxml-mode "SIP-FreeSWITCH"
  "FreeSWITCH XML dialplans.")

(add-to-list 'auto-mode-alist '("\\(kamailio\\|opensips\\)[^/]*\\.cfg\\'" . sip-ser-mode))
(add-to-list 'auto-mode-alist '("extensions[^/]*\\.conf\\'" . sip-asterisk-mode))
(add-to-list 'auto-mode-alist '("\\.ael\\'" . sip-asterisk-mode))
(add-to-list 'auto-mode-alist '("/dialplan/.*\\.xml\\'" . sip-freeswitch-mode))
(add-to-list 'magic-mode-alist '("\\(?:\xef\xbb\xbf\\)?#!\\(KAMAILIO\\|OPENSIPS\\|SER\\)" . sip-ser-mode))

(add-to-list 'eglot-server-programs
             '((sip-ser-mode sip-asterisk-mode sip-freeswitch-mode) . ("sip-lsp" "serve")))

(dolist (hook '(sip-ser-mode-hook sip-asterisk-mode-hook sip-freeswitch-mode-hook))
  (add-hook hook #'eglot-ensure))

(provide 'sip-lsp)
;;; sip-lsp.el ends here
