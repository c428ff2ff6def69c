using System.CommandLine;
using PrivateRag.Cli.Commands;

var root = new RootCommand("privaterag: administer a PrivateRag data folder (the same one the app uses).");
root.Options.Add(GlobalOptions.Data);
root.Options.Add(GlobalOptions.Verbose);
root.Subcommands.Add(IngestCommand.Create());
root.Subcommands.Add(CollectionsCommand.Create());
root.Subcommands.Add(SearchCommand.Create());
root.Subcommands.Add(DocumentsCommand.Create());
root.Subcommands.Add(AskCommand.Create());
root.Subcommands.Add(UsersCommand.Create());
root.Subcommands.Add(ApiKeyCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(ReindexCommand.Create());
root.Subcommands.Add(BackupCommand.CreateBackup());
root.Subcommands.Add(BackupCommand.CreateRestore());
return await root.Parse(args).InvokeAsync();
