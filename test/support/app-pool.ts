import type { TestApp } from './app.js';

/** Keeps the apps a suite starts and closes them after it: `const keep = closeAfterAll(); keep(await startApp(...))`. */
export function closeAfterAll(): <T extends TestApp>(app: T) => T {
  const apps: TestApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  return (app) => {
    apps.push(app);
    return app;
  };
}
