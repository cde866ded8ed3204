import { Module } from '@nestjs/common';
import { GitHubController } from './github.controller.js';

@Module({ controllers: [GitHubController] })
export class GitHubModule {}
