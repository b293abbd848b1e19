import { Command, Option } from 'commander';
import {
  allServiceAcls,
  kafkaAclsOf,
  SERVICE_NAMES,
  type KafkaAcl,
  type ServiceName,
} from '@readmit/contracts';
import { applyKafkaAcls } from '@readmit/platform/kafka';
import { InfraError } from '../infra/infra-error';
import { cliKafka } from './topics.command';

/** The ACLs of one service, or of all, on a deployment whose topics carry `prefix`. */
export function catalogAcls(prefix: string, service?: string): KafkaAcl[] {
  if (service === undefined) return allServiceAcls(prefix);
  if (!(SERVICE_NAMES as readonly string[]).includes(service))
    throw new InfraError(`unknown service '${service}': one of ${SERVICE_NAMES.join(', ')}`);
  return kafkaAclsOf(service as ServiceName, prefix);
}

/** One line per ACL, as `kafka-acls.sh --list` groups them: principal, operation, resource. */
export function aclLines(acls: readonly KafkaAcl[]): string[] {
  return acls.map(
    (acl) =>
      `${acl.principal.padEnd(18)} ALLOW ${acl.operation.toUpperCase().padEnd(8)} ${acl.resource.padEnd(16)} ${acl.pattern.padEnd(8)} ${acl.name}`,
  );
}

export function kafkaCommand(): Command {
  const kafka = new Command('kafka').description('Kafka access: the ACLs each service needs');
  kafka
    .command('acls')
    .description(
      'print the ACLs derived from the topic catalog (one principal per service, User:<service>); --apply creates them on the cluster',
    )
    .option('--prefix <prefix>', "prefix of the deployment's topic names", '')
    .addOption(new Option('--service <name>', 'only this service').choices([...SERVICE_NAMES]))
    .option(
      '--apply',
      'create the bindings on the cluster, as the principal READMIT_KAFKA_SASL_… names (a super user); safe to repeat',
    )
    .option('--brokers <list>', 'bootstrap brokers (default: the local platform)')
    .action(
      async (options: { prefix: string; service?: string; apply?: boolean; brokers?: string }) => {
        const acls = catalogAcls(options.prefix, options.service);
        if (!options.apply) {
          for (const line of aclLines(acls)) console.log(line);
          return;
        }
        await applyKafkaAcls(cliKafka(options.brokers), acls);
        console.log(
          `acls: ${acls.length} bindings applied for ${options.service ?? `${SERVICE_NAMES.length} services`}${options.prefix ? ` (prefix ${options.prefix})` : ''}`,
        );
      },
    );
  return kafka;
}
