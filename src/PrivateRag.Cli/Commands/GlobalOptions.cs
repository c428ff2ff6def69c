using System.CommandLine;

namespace PrivateRag.Cli.Commands;

public static class GlobalOptions
{
    public static readonly Option<string?> Data = new("--data")
    {
        Description = "The data folder (default: PrivateRag:DataPath from configuration, else ./data).",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Log progress to stderr.",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON." };
}
