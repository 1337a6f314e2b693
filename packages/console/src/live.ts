import { t, words } from './i18n';

/**
 * Live updates (GET /v1/events, server-sent events with the session cookie): each new order or rule that
 * acted calls `changed` with a sentence for screen readers, at most once a second (a burst of orders
 * reloads the lists once). EventSource reconnects by itself. Answers the function that stops following.
 */
export function followLiveEvents(changed: (announcement: string) => void): () => void {
  const source = new EventSource('/v1/events');
  let pending: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const notify = (text: string) => {
    pending = text;
    timer ??= setTimeout(() => {
      timer = undefined;
      changed(pending!);
    }, 1000);
  };
  source.addEventListener('order.accepted.v1', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as { externalId: string; channel: string };
    notify(`${t('order')} ${data.externalId} (${data.channel})`);
  });
  source.addEventListener('rule.triggered.v1', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as { title: string; flagRed: boolean; ruleId: string };
    notify(`${data.flagRed ? `${t('redFlag')}: ` : ''}${data.title} (${words(data.ruleId)})`);
  });
  return () => {
    if (timer) clearTimeout(timer);
    source.close();
  };
}
