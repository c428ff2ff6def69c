using System.ComponentModel.DataAnnotations;

namespace PrivateRag.Core.Storage;

public enum StoreProvider { Sqlite, PostgreSql }

/// <summary>The <c>Store</c> section: which database holds metadata, jobs and conversations.</summary>
public sealed class StoreOptions : IValidatableObject
{
    public const string Section = "Store";

    /// <summary>Read when services are registered (it decides which database context exists), and validated then.</summary>
    [EnumDataType(typeof(StoreProvider), ErrorMessage = "Store:Provider must be Sqlite or PostgreSql.")]
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>Required for PostgreSQL; for SQLite the file lives in the data folder unless this overrides it.</summary>
    public string? ConnectionString { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StoreProvider.PostgreSql && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult("Store:ConnectionString is required when Store:Provider is PostgreSql.", [nameof(ConnectionString)]);
    }
}
