using System.CommandLine;
using Functional.Cli.Commands;

var root = new RootCommand("Functional: the layers of Deep Learning from Scratch, chapter 5, as pure functions.")
{
    GradCheckCommand.Create(),
};
return root.Parse(args).Invoke();
