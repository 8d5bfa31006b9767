/**
 * The single DynamoDB table: generic string keys `pk`/`sk`, one global secondary index
 * (`gsi1`, keys `gsi1pk`/`gsi1sk`) for listings that cross partitions, on-demand billing, and
 * TTL on the attribute `ttl` (epoch seconds).
 *
 * The shape is plain data so that `npm run db:create`, the local stack and `npm run setup-deploy`'s
 * AWS CLI command all describe the same table.
 */
export declare const TABLE_KEY_ATTRIBUTES: readonly ["pk", "sk", "gsi1pk", "gsi1sk"];
export declare const GSI1_NAME = "gsi1";
export declare const TTL_ATTRIBUTE = "ttl";
/** Input for `CreateTableCommand` (client-dynamodb), given the table name. */
export declare function createTableInput(tableName: string): {
    TableName: string;
    BillingMode: "PAY_PER_REQUEST";
    AttributeDefinitions: {
        AttributeName: "pk" | "sk" | "gsi1pk" | "gsi1sk";
        AttributeType: "S";
    }[];
    KeySchema: ({
        AttributeName: string;
        KeyType: "HASH";
    } | {
        AttributeName: string;
        KeyType: "RANGE";
    })[];
    GlobalSecondaryIndexes: {
        IndexName: string;
        KeySchema: ({
            AttributeName: string;
            KeyType: "HASH";
        } | {
            AttributeName: string;
            KeyType: "RANGE";
        })[];
        Projection: {
            ProjectionType: "ALL";
        };
    }[];
};
