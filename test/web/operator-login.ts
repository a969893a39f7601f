/** The console's login for an operator with a password and no TOTP, ending on the incidents page. */
import type { Page } from 'playwright-core';

export async function logInOperator(
  page: Page,
  tenantSlug: string,
  operator: { email: string; password: string },
): Promise<void> {
  await page.goto('/admin');
  await page.getByLabel('Organisaatio').fill(tenantSlug);
  await page.getByLabel('Sähköposti').fill(operator.email);
  await page.getByLabel('Salasana', { exact: true }).fill(operator.password);
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  await page.getByRole('heading', { name: 'Häiriöt' }).waitFor();
}

/** Clicks a polygon over the middle of the drawing map (fx, fy: fractions of its box), closing it on the first corner. */
export async function drawPolygon(
  page: Page,
  corners: ReadonlyArray<readonly [number, number]> = [
    [0.2, 0.3],
    [0.8, 0.3],
    [0.8, 0.7],
    [0.2, 0.7],
  ],
): Promise<void> {
  const map = page.locator('.area-editor .map');
  await page.getByRole('button', { name: 'Monikulmio' }).click();
  await map.scrollIntoViewIfNeeded();
  const box = (await map.boundingBox())!;
  for (const [fx, fy] of [...corners, corners[0]!]) {
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    await page.waitForTimeout(150);
  }
}
