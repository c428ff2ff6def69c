using PrivateRag.Core;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Evaluation;
using PrivateRag.Core.Identity;

namespace PrivateRag.Cli.Commands;

internal static class CommandRunner
{
    /// <summary>Starts the services, runs the command, and turns known errors into a message and exit code 1.</summary>
    public static async Task<int> RunAsync(string? data, bool verbose, CancellationToken ct, Func<IServiceProvider, Task<int>> body)
    {
        try
        {
            using var host = await CliHost.StartAsync(data, verbose, ct);
            return await body(host.Services);
        }
        catch (Exception e) when (e is CliException or InvalidRequestException or NotFoundException or ConflictException
                                      or Microsoft.Extensions.Options.OptionsValidationException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
