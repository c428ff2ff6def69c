using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PrivateRag.Core.Tests.Storage;

/// <summary>The provider settings decide which services are registered, so they are validated right then.</summary>
public sealed class ProviderChoiceTests
{
    private static OptionsValidationException Compose(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PrivateRag:DataPath"] = Path.Combine(Path.GetTempPath(), "privaterag-unused"),
            [key] = value,
        }).Build();
        return Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddLogging().AddPrivateRagCore(configuration));
    }

    [Theory]
    [InlineData("Index:Provider", "Qdrnt")]
    [InlineData("Index:Provider", "7")]
    [InlineData("Store:Provider", "Postgres")]
    [InlineData("Store:Provider", "9")]
    public void An_unknown_provider_stops_composition_naming_the_key(string key, string value)
    {
        var error = Compose(key, value);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_without_a_connection_string_says_which_key_is_missing()
    {
        var error = Compose("Store:Provider", "PostgreSql");
        Assert.Contains("Store:ConnectionString is required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qdrant")]
    [InlineData("Embedded")]
    public void Known_providers_are_read_as_the_binder_reads_them(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Index:Provider"] = value,
            ["Index:Qdrant:Url"] = "http://localhost:6334",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddPrivateRagCore(configuration);
        Assert.Contains(services, d => d.ServiceType == (value == "qdrant" ? typeof(PrivateRag.Core.Indexing.Qdrant.QdrantChunkIndex) : typeof(PrivateRag.Core.Indexing.Embedded.EmbeddedChunkIndex)));
    }
}
