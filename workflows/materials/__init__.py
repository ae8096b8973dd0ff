"""附件: files on decisions, meetings and elections, private, checked by content, hashed, audited.

- `filetypes`: what a file is, by its content (puremagic + the OOXML package's parts).
- `registry`: the steps of each subject that take files and who may upload to them now; the domain
  apps register theirs in `AppConfig.ready()` (workflows never imports them).
- `services`: `attachment_upload`, `attachment_withdraw`; `selectors`: lists, the page context.
- `views` (pages, download), `api` (REST), `rules` (`attachments.upload`, `attachments.withdraw`).
"""
