import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { VERSIONS } from '../infra-settings';
import { findJava, findMaven } from '../prerequisites';
import { isHttpOk } from '../wait-for';
import { runCommand } from '../process-control';
import { ServerComponent } from './server-component';

/**
 * Apicurio Registry with its Confluent-compatible API (`/apis/ccompat/v7`), storing schemas in an
 * H2 file under `.readmit/data`, so schema ids survive restarts like the Kafka log does.
 */
export class SchemaRegistryComponent extends ServerComponent {
  readonly name = 'schema-registry';
  readonly description = `Apicurio Registry ${VERSIONS.apicurioRegistry} (Confluent API)`;

  endpoint(): string {
    return `http://localhost:${this.ctx.settings.ports.schemaRegistry}/apis/ccompat/v7`;
  }

  protected port(): number {
    return this.ctx.settings.ports.schemaRegistry;
  }

  protected ownershipMarker(): string {
    return this.dataDir;
  }

  private get jar(): string {
    return join(
      this.ctx.paths.tools(`apicurio-registry-${VERSIONS.apicurioRegistry}`),
      'apicurio-registry-runner.jar',
    );
  }

  private get dataDir(): string {
    return this.ctx.paths.data('schema-registry');
  }

  async provision(): Promise<void> {
    findJava();
    if (existsSync(this.jar)) return;
    this.ctx.log(
      `schema-registry: building Apicurio Registry ${VERSIONS.apicurioRegistry} from Maven Central artifacts (first run only, ~1-2 min)…`,
    );
    const buildDir = this.ctx.paths.build('schema-registry');
    runCommand(
      findMaven(),
      [
        '-B',
        '-q',
        '-s',
        this.ctx.paths.projectFile('infra', 'maven', 'settings.xml'),
        '-f',
        this.ctx.paths.projectFile('infra', 'schema-registry', 'pom.xml'),
        `-Dapicurio.version=${VERSIONS.apicurioRegistry}`,
        `-Dreadmit.buildDir=${buildDir}`,
        '-DskipTests',
        // One self-contained jar, started with `java -jar`.
        '-Dquarkus.package.type=uber-jar',
        'package',
      ],
      { description: 'building the schema registry with Maven' },
    );
    const runner = readdirSync(buildDir).find((file) => file.endsWith('-runner.jar'));
    if (!runner) throw new Error(`the schema registry build produced no runner jar in ${buildDir}`);
    mkdirSync(join(this.jar, '..'), { recursive: true });
    copyFileSync(join(buildDir, runner), this.jar);
  }

  async start(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    await this.launch(
      findJava(),
      [
        '-Xms128m',
        '-Xmx512m',
        '-Djava.awt.headless=true',
        `-Dreadmit.data=${this.dataDir}`,
        '-jar',
        this.jar,
      ],
      {
        ...process.env,
        HTTP_PORT: String(this.ctx.settings.ports.schemaRegistry),
        QUARKUS_HTTP_HOST: '127.0.0.1',
        REGISTRY_DATASOURCE_URL: `jdbc:h2:file:${join(this.dataDir, 'registry')}`,
      },
    );
  }

  protected answers(): Promise<boolean> {
    return isHttpOk(`${this.endpoint()}/subjects`);
  }
}
