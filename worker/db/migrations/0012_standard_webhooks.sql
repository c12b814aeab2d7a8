-- Standard Webhooks (worker/insights/notify/signature.ts, docs/webhooks.md). Secrets become `whsec_` + base64
-- of the key bytes. A secret stored before this was a text key (HMAC key = the UTF-8 of the whole
-- string); it is marked "text:" so it keeps exactly those bytes, and its receiver verifies with
-- `whsec_` + base64 of the old text, or rotates. On rotation the previous secret keeps signing until
-- previous_until (epoch ms), so receivers can switch without dropping deliveries.
UPDATE webhooks SET secret = 'text:' || secret WHERE secret NOT LIKE 'text:%';
ALTER TABLE webhooks ADD COLUMN previous_secret TEXT;
ALTER TABLE webhooks ADD COLUMN previous_until INTEGER;
