import { z } from 'zod';

/**
 * What a user may do in a session launched from a cast link or a staging pool (Kasm's
 * `allow_kasm_*` client settings). Shared by KasmCastConfig and KasmStagingConfig; each field left
 * out is not managed.
 */
export const clientSettingsShape = {
  allowKasmAudio: z.boolean().optional().describe('Sound from the session plays in the browser (allow_kasm_audio).'),
  allowKasmUploads: z.boolean().optional().describe('Users may upload files into the session (allow_kasm_uploads).'),
  allowKasmDownloads: z.boolean().optional().describe('Users may download files from the session (allow_kasm_downloads).'),
  allowKasmClipboardDown: z.boolean().optional().describe('Copy from the session to the local clipboard (allow_kasm_clipboard_down).'),
  allowKasmClipboardUp: z.boolean().optional().describe('Paste from the local clipboard into the session (allow_kasm_clipboard_up).'),
  allowKasmMicrophone: z.boolean().optional().describe('The local microphone reaches the session (allow_kasm_microphone).'),
};

export const CLIENT_SETTING_FIELDS = Object.keys(clientSettingsShape) as (keyof typeof clientSettingsShape)[];

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
const reported = (description: string) => z.boolean().nullable().optional().describe(description);

/** The same settings in status.atProvider, as Kasm reports them. */
export const clientSettingsAtProviderShape = {
  allowKasmAudio: reported('Audio allowed.'),
  allowKasmUploads: reported('Uploads allowed.'),
  allowKasmDownloads: reported('Downloads allowed.'),
  allowKasmClipboardDown: reported('Clipboard session to local allowed.'),
  allowKasmClipboardUp: reported('Clipboard local to session allowed.'),
  allowKasmMicrophone: reported('Microphone allowed.'),
};
