/**
 * The single DynamoDB table: generic string keys `pk`/`sk`, one global secondary index
 * (`gsi1`, keys `gsi1pk`/`gsi1sk`) for listings that cross partitions, on-demand billing, and
 * TTL on the attribute `ttl` (epoch seconds).
 *
 * The shape is plain data so that `npm run db:create`, the local stack and `npm run setup-deploy`'s
 * AWS CLI command all describe the same table.
 */
export const TABLE_KEY_ATTRIBUTES = ["pk", "sk", "gsi1pk", "gsi1sk"];
export const GSI1_NAME = "gsi1";
export const TTL_ATTRIBUTE = "ttl";
/** Input for `CreateTableCommand` (client-dynamodb), given the table name. */
export function createTableInput(tableName) {
    return {
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: TABLE_KEY_ATTRIBUTES.map((name) => ({
            AttributeName: name,
            AttributeType: "S",
        })),
        KeySchema: [
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [
            {
                IndexName: GSI1_NAME,
                KeySchema: [
                    { AttributeName: "gsi1pk", KeyType: "HASH" },
                    { AttributeName: "gsi1sk", KeyType: "RANGE" },
                ],
                Projection: { ProjectionType: "ALL" },
            },
        ],
    };
}
