namespace PrivateRag.Tests;

/// <summary>A real PostgreSQL for the scale-out store tests: CI starts one (scripts/postgres-setup.sh).</summary>
public static class PostgreSql
{
    public const string Variable = "PRIVATERAG_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;
}

/// <summary>Skipped, with the reason, when no PostgreSQL server is configured for the tests.</summary>
public sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (PostgreSql.ConnectionString is null)
            Skip = $"No PostgreSQL server: set {PostgreSql.Variable} (scripts/postgres-setup.sh starts one and prints the value).";
    }
}
