using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace PrivateRag.Inference.Inventory;

/// <param name="Key">The configuration key, e.g. <c>Models:Chat:Path</c>.</param>
/// <param name="Value">Its value; secrets are replaced by <see cref="ConfigurationKeys.Hidden"/>.</param>
/// <param name="Source">Where the value comes from: a settings file name, "environment" or "command line".</param>
/// <param name="EnvironmentName">The environment variable that overrides it (<c>Models__Chat__Path</c>).</param>
public sealed record ConfigurationKey(string Key, string? Value, string Source, string EnvironmentName);

/// <summary>
/// The settings under the model sections with the source that set each one, so an admin sees which appsettings file or
/// environment variable to change. Read-only: configuration is not edited from the app.
/// </summary>
public static class ConfigurationKeys
{
    public const string Hidden = "(hidden)";

    /// <summary>Sections the models page lists.</summary>
    public static readonly IReadOnlyList<string> ModelSections = [ModelsOptions.Section, InferenceOptions.Section];

    public static IReadOnlyList<ConfigurationKey> Describe(IConfiguration configuration, IEnumerable<string> sections)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var providers = configuration is IConfigurationRoot root ? root.Providers.Reverse().ToList() : [];
        var keys = new List<ConfigurationKey>();
        foreach (var section in sections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
            {
                // Sections are listed too, with no provider behind them: keep only settings some source sets.
                if (providers.FirstOrDefault(p => p.TryGet(key, out _)) is not { } provider) continue;
                if (configuration.GetSection(key).GetChildren().Any()) continue;
                var shown = IsSecret(key) && !string.IsNullOrEmpty(value) ? Hidden : RedactUserInfo(value);
                keys.Add(new ConfigurationKey(key, shown, SourceName(provider), key.Replace(":", "__", StringComparison.Ordinal)));
            }
        }

        return [.. keys.OrderBy(k => k.Key, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>API keys are credentials: the page says that one is set, never what it is.</summary>
    private static bool IsSecret(string key)
    {
        var segments = key.Split(':');
        return segments.Any(s => s.Equals("ApiKey", StringComparison.OrdinalIgnoreCase) || s.Equals("ApiKeys", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An address with credentials in it (<c>http://user:password@host</c>) is shown without them.</summary>
    public static string? RedactUserInfo(string? value) =>
        value is not null && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = Hidden, Password = "" }.Uri.ToString()
            : value;

    private static string SourceName(IConfigurationProvider provider) => provider switch
    {
        FileConfigurationProvider file => file.Source.Path ?? "settings file",
        EnvironmentVariablesConfigurationProvider => "environment",
        CommandLineConfigurationProvider => "command line",
        _ => provider.GetType().Name.Replace("ConfigurationProvider", "", StringComparison.Ordinal),
    };
}
