using RouteGuide.Cli;

// The routeguide command: see RouteGuideCli for the commands, and Commands/ for each one.
return await RouteGuideCli.RunAsync(args, Console.Out, Console.Error, handleTermination: true);
