// Regenerates k8s/kafka/users.yaml from the topic catalog's access table: `npm run k8s:kafka-users`.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { PROJECT_ROOT } from '../../test/support/endpoints';
import { KAFKA_USERS_FILE, kafkaUsersYaml } from '../../test/deploy/support/kafka-users';

async function main(): Promise<void> {
  // Formatted as `prettier --check` expects it, so the generated file passes the format check.
  const options = await resolveConfig(KAFKA_USERS_FILE);
  const text = await format(kafkaUsersYaml(), { ...options, filepath: KAFKA_USERS_FILE });
  writeFileSync(KAFKA_USERS_FILE, text);
  console.log(`wrote ${relative(PROJECT_ROOT, KAFKA_USERS_FILE)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
