using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MailHost.Shared.Migrations
{
    /// <inheritdoc />
    // Default values edited by hand: existing installations get the entity defaults, not 0.
    public partial class ServerLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "LogRetentionDays",
                table: "ServerSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.AddColumn<int>(
                name: "LogRetentionMegabytes",
                table: "ServerSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1024);

            migrationBuilder.AddColumn<int>(
                name: "MaxHeaderBytes",
                table: "ServerSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 102400);

            migrationBuilder.AddColumn<int>(
                name: "MaxHeaderLineLength",
                table: "ServerSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 8192);

            migrationBuilder.AddColumn<int>(
                name: "MinFreeDiskMegabytes",
                table: "ServerSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 100);

            migrationBuilder.AddColumn<bool>(
                name: "RejectSenderLoginMismatch",
                table: "ServerSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LogRetentionDays",
                table: "ServerSettings");

            migrationBuilder.DropColumn(
                name: "LogRetentionMegabytes",
                table: "ServerSettings");

            migrationBuilder.DropColumn(
                name: "MaxHeaderBytes",
                table: "ServerSettings");

            migrationBuilder.DropColumn(
                name: "MaxHeaderLineLength",
                table: "ServerSettings");

            migrationBuilder.DropColumn(
                name: "MinFreeDiskMegabytes",
                table: "ServerSettings");

            migrationBuilder.DropColumn(
                name: "RejectSenderLoginMismatch",
                table: "ServerSettings");
        }
    }
}
