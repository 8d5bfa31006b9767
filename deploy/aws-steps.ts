/**
 * The AWS side of a deployment, with the AWS CLI: the table (the shape of shared/table.ts, as
 * `npm run db:create` makes it) and an IAM user limited to it, whose access key the worker holds.
 * Each step looks before it creates, so running the setup again changes nothing.
 */
import { createTableInput, GSI1_NAME, TTL_ATTRIBUTE } from "@viewer-presence/shared/table";
import type { Shell } from "./shell";

/** What the worker does with the table, and nothing else (README's IAM advice). */
export const WORKER_TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
  "dynamodb:BatchWriteItem",
] as const;

/** The IAM policy document: the table and its index only. */
export function workerTablePolicy(tableArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: WORKER_TABLE_ACTIONS,
        Resource: [tableArn, `${tableArn}/index/${GSI1_NAME}`],
      },
    ],
  });
}

export interface TablePlace {
  table: string;
  region: string;
}

/** Checks that the AWS CLI runs with credentials; throws with what to do otherwise. */
export async function checkAwsCli(shell: Shell): Promise<void> {
  const identity = await shell({
    args: ["aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
    why: "the AWS CLI is installed and has credentials (aws configure, or aws sso login)",
    dry: { stdout: "arn:aws:iam::<account>:user/<you>" },
  });
  if (!identity.ok) throw new Error("the AWS CLI is missing or has no credentials");
}

/** Creates the table unless it exists, waits for it, turns TTL on; resolves to its ARN. */
export async function ensureTable(shell: Shell, { table, region }: TablePlace): Promise<string> {
  const describe = () =>
    shell({
      args: ["aws", "dynamodb", "describe-table", "--table-name", table, "--region", region],
      why: "is the table there? (its ARN names it in the worker's IAM policy)",
      dry: { fails: true },
    });
  let described = await describe();
  if (!described.ok) {
    const created = await shell({
      args: [
        "aws",
        "dynamodb",
        "create-table",
        "--region",
        region,
        "--cli-input-json",
        JSON.stringify(createTableInput(table)),
      ],
      why: "the table: pk/sk, the gsi1 index, on-demand billing (shared/table.ts)",
      alreadyDone: /ResourceInUseException/,
    });
    if (!created.ok) throw new Error(`could not create the table ${table}`);
    await shell({
      args: ["aws", "dynamodb", "wait", "table-exists", "--table-name", table, "--region", region],
      why: "until it is ACTIVE",
    });
    described = await describe();
  }
  const ttl = await shell({
    args: [
      "aws",
      "dynamodb",
      "update-time-to-live",
      "--table-name",
      table,
      "--region",
      region,
      "--time-to-live-specification",
      `Enabled=true,AttributeName=${TTL_ATTRIBUTE}`,
    ],
    why: `expire snapshots and audit events by their "${TTL_ATTRIBUTE}" attribute`,
    alreadyDone: /already enabled/i,
  });
  if (!ttl.ok) throw new Error(`could not turn TTL on for ${table}`);
  const arn = tableArn(described.stdout);
  if (arn === undefined && described.ok) throw new Error(`no ARN for ${table} in describe-table`);
  return arn ?? `arn:aws:dynamodb:${region}:<account>:table/${table}`;
}

function tableArn(describeTableJson: string): string | undefined {
  try {
    const arn = (JSON.parse(describeTableJson) as { Table?: { TableArn?: unknown } }).Table
      ?.TableArn;
    return typeof arn === "string" ? arn : undefined;
  } catch {
    return undefined;
  }
}

export interface WorkerAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The IAM user the worker signs DynamoDB calls as, limited to the table: created unless it
 * exists, its policy put (again). A new access key only when `newKey` (the worker has none yet,
 * or `--new-access-key`): IAM keeps at most two per user.
 */
export async function ensureWorkerUser(
  shell: Shell,
  options: { user: string; tableArn: string; newKey: boolean },
): Promise<WorkerAccessKey | undefined> {
  const { user } = options;
  const exists = await shell({
    args: ["aws", "iam", "get-user", "--user-name", user],
    why: "is the worker's IAM user there?",
    dry: { fails: true },
  });
  if (!exists.ok) {
    const created = await shell({
      args: ["aws", "iam", "create-user", "--user-name", user],
      why: "the worker's own IAM user",
      alreadyDone: /EntityAlreadyExists/,
    });
    if (!created.ok) throw new Error(`could not create the IAM user ${user}`);
  }
  const policy = await shell({
    args: [
      "aws",
      "iam",
      "put-user-policy",
      "--user-name",
      user,
      "--policy-name",
      "viewer-presence-table",
      "--policy-document",
      workerTablePolicy(options.tableArn),
    ],
    why: `allow it ${WORKER_TABLE_ACTIONS.map((a) => a.slice("dynamodb:".length)).join(", ")} on the table and its index, nothing else`,
  });
  if (!policy.ok) throw new Error(`could not put the policy of ${user}`);
  if (!options.newKey) return undefined;
  const key = await shell({
    args: ["aws", "iam", "create-access-key", "--user-name", user, "--output", "json"],
    why: "its access key, which becomes the worker's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    secretOutput: true,
    dry: {
      stdout: JSON.stringify({
        AccessKey: { AccessKeyId: "<new key id>", SecretAccessKey: "<new secret>" },
      }),
    },
  });
  if (!key.ok) throw new Error(`could not create an access key for ${user}`);
  const parsed = JSON.parse(key.stdout) as {
    AccessKey: { AccessKeyId: string; SecretAccessKey: string };
  };
  return {
    accessKeyId: parsed.AccessKey.AccessKeyId,
    secretAccessKey: parsed.AccessKey.SecretAccessKey,
  };
}
