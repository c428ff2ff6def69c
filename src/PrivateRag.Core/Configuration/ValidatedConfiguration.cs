using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace PrivateRag.Core.Configuration;

/// <summary>
/// Reads an options section while services are being registered, for the few values that decide <em>which</em>
/// services exist (the index and store providers, telemetry exporters, Entra's Graph look-up), validated as
/// <c>ValidateDataAnnotations()</c> validates the same section at start. A bad value stops start-up here, with an
/// <see cref="OptionsValidationException"/> naming the key, instead of being taken as a default or failing later.
/// </summary>
public static class ValidatedConfiguration
{
    /// <summary>The section bound to a new <typeparamref name="T"/> (defaults where unset) and validated.</summary>
    /// <exception cref="OptionsValidationException">A value does not convert, or breaks a data annotation or the options' own checks.</exception>
    public static T GetValidated<T>(this IConfiguration configuration, string section) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the type ("Failed to convert configuration value at 'Index:Provider' ...").
            throw new OptionsValidationException(section, typeof(T), [e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message]);
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            throw new OptionsValidationException(section, typeof(T), results.Select(r => Failure(section, r)));
        return options;
    }

    private static string Failure(string section, ValidationResult result)
    {
        var message = result.ErrorMessage ?? "is not valid.";
        // Messages written for this project already name their key; framework ones name the property only.
        if (message.Contains(section + ":", StringComparison.Ordinal)) return message;
        return $"{section}:{string.Join(",", result.MemberNames)}: {message}";
    }
}
