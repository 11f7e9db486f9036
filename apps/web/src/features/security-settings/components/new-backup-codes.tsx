import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';

function downloadText(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** The freshly generated codes, shown this one time with ways to keep them. */
export function NewBackupCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const text = codes.join('\n');

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <div className="stack">
      <Alert tone="warning" title="Save these codes now">
        They will not be shown again. Your previous backup codes have stopped working.
      </Alert>
      <ol className="security-codes" aria-label="New backup codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className="security-card-actions">
        <Button variant="secondary" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied' : 'Copy codes'}
        </Button>
        <Button
          variant="secondary"
          onClick={() =>
            downloadText(
              'twofold-backup-codes.txt',
              `Twofold backup codes (each works once)\n\n${text}\n`,
            )
          }
        >
          Download
        </Button>
        <Button onClick={onDone}>I have saved them</Button>
      </div>
      {copied === 'failed' && (
        <p className="inline-error" role="alert">
          Could not copy. Select the codes and copy them by hand, or download them.
        </p>
      )}
    </div>
  );
}
