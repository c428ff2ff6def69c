using Microsoft.Extensions.DependencyInjection;
using PrivateRag.Core.Answering;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Cli.Commands;

internal static class CollectionResolver
{
    public static async Task<Collection> RequireAsync(IServiceProvider services, string name, CancellationToken ct) =>
        await services.GetRequiredService<CollectionService>().FindByNameAsync(name, ct)
        ?? throw new CliException($"No collection named '{name}'. Create it with --create (ingest) or the API.");
}

/// <summary>An error the user can act on: printed without a stack trace, exit code 1.</summary>
public sealed class CliException(string message) : Exception(message);
