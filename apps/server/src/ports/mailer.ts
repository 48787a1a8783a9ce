import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { Random } from './random.ts';

/** One mail: plain text, and optionally the same words as HTML (sent as multipart/alternative). `kind` names it in the log ("invitation"). */
export interface Mail {
  kind: string;
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative to `text`, every piece of user text escaped by its author. */
  html?: string;
}

/** Mail port: the outbox folder by default, SMTP when configured. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

// [Note: mail never blocks sharing] a share is committed before its mails go out;
// a failed delivery is logged and the invitee still sees the invitation in the app.

/** Renders a mail as RFC 5322 text (UTF-8) with nodemailer's own composer, without sending it. */
async function render(from: string, mail: Mail, date: Date, messageId: string): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await t.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}), date, messageId });
  return info.message as Buffer;
}

/** Writes one `.eml` file per mail into `dir` (DATA_DIR/outbox); an administrator can read or forward them. */
export class OutboxMailer implements Mailer {
  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly logger: Logger,
  ) {}

  async send(mail: Mail): Promise<void> {
    const now = new Date(this.clock.now());
    const id = this.random.uuid();
    const name = `${now.toISOString().replace(/[:.]/g, '-')}-${mail.kind}-${id.slice(0, 8)}.eml`;
    const eml = await render(this.from, mail, now, `<${id}@obscura>`);
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, name), eml);
    this.logger.info(`mail: ${mail.kind} for ${mail.to} written to outbox/${name}`);
  }
}

/** Sends through an SMTP server: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  constructor(url: string, private readonly from: string, private readonly logger: Logger, opts: { tlsRejectUnauthorized?: boolean } = {}) {
    this.transport = opts.tlsRejectUnauthorized === false
      ? nodemailer.createTransport({ url, tls: { rejectUnauthorized: false } } as Parameters<typeof nodemailer.createTransport>[0])
      : nodemailer.createTransport(url);
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}) });
    this.logger.info(`mail: ${mail.kind} for ${mail.to} sent by SMTP`);
  }

  close(): void { this.transport.close(); }
}
